package dev.agenttelemetry.launcher.dispatch;

import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.launcher.RecordJson;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;

/**
 * Mails each alert over SMTP (RFC 5321): EHLO, STARTTLS when asked for, AUTH PLAIN when a user is set, one
 * message per alert to every recipient. 4xx answers are temporary (retried), 5xx permanent.
 */
final class EmailChannel implements Channel {
    /** SMTP settings; the password usually comes from ${env:...}. */
    record Smtp(String host, int port, boolean startTls, String username, String password) {
    }

    private final String name;
    private final Smtp smtp;
    private final String from;
    private final List<String> to;

    EmailChannel(String name, Smtp smtp, String from, List<String> to) {
        this.name = name;
        this.smtp = smtp;
        this.from = from;
        this.to = List.copyOf(to);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(SecurityAlert alert) throws DeliveryException {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(smtp.host(), smtp.port()), 10_000);
            plain.setSoTimeout(30_000);
            Session session = new Session(plain);
            session.expect(220);
            session.command("EHLO agent-telemetry", 250);
            if (smtp.startTls()) {
                session.command("STARTTLS", 220);
                SSLSocket tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(plain, smtp.host(), smtp.port(), true);
                tls.startHandshake();
                session = new Session(tls);
                session.command("EHLO agent-telemetry", 250);
            }
            if (smtp.username() != null && !smtp.username().isEmpty()) {
                String credentials = "\0" + smtp.username() + "\0" + smtp.password();
                session.command("AUTH PLAIN " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)), 235);
            }
            session.command("MAIL FROM:<" + from + ">", 250);
            for (String recipient : to) {
                session.command("RCPT TO:<" + recipient + ">", 250);
            }
            session.command("DATA", 354);
            session.write(message(alert));
            session.command(".", 250);
            session.command("QUIT", 221);
        } catch (SmtpAnswer e) {
            throw new DeliveryException(name + ": the SMTP server answered " + e.getMessage(), e.code / 100 == 4, e);
        } catch (IOException e) {
            throw new DeliveryException(name + ": cannot talk to " + smtp.host() + ":" + smtp.port() + " (" + e.getMessage() + ")", true, e);
        }
    }

    String message(SecurityAlert alert) {
        String subject = "[agent-telemetry] " + alert.getSeverity().name().toUpperCase() + ": " + alert.getTitle() + " in " + alert.getSessionId();
        StringBuilder body = new StringBuilder()
                .append("From: ").append(from).append("\r\n")
                .append("To: ").append(String.join(", ", to)).append("\r\n")
                .append("Subject: ").append(subject.replaceAll("[\r\n]", " ")).append("\r\n")
                .append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now())).append("\r\n")
                .append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
                .append(Channel.summary(alert)).append("\r\n\r\n")
                .append(alert.getDescription()).append("\r\n\r\n")
                .append(RecordJson.toNode(alert).toPrettyString()).append("\r\n");
        // Dot-stuffing: a line that starts with '.' gets another, so it cannot end the message early.
        return body.toString().replace("\r\n.", "\r\n..").replaceAll("(?<!\r)\n", "\r\n");
    }

    private static final class SmtpAnswer extends IOException {
        final int code;

        SmtpAnswer(int code, String line) {
            super(line);
            this.code = code;
        }
    }

    /** One SMTP conversation over a socket: commands and their (possibly multi-line) answers. */
    private static final class Session {
        private final BufferedReader in;
        private final OutputStream out;

        Session(Socket socket) throws IOException {
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            this.out = socket.getOutputStream();
        }

        void command(String line, int expected) throws IOException {
            write(line + "\r\n");
            expect(expected);
        }

        void write(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        void expect(int expected) throws IOException {
            String line;
            do {
                line = in.readLine();
                if (line == null) {
                    throw new IOException("the SMTP server closed the connection");
                }
            } while (line.length() > 3 && line.charAt(3) == '-');
            int code = line.length() >= 3 ? Integer.parseInt(line.substring(0, 3)) : 0;
            if (code != expected) {
                throw new SmtpAnswer(code, line);
            }
        }
    }
}
