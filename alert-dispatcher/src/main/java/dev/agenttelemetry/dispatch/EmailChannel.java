package dev.agenttelemetry.dispatch;

import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.schemas.json.RecordJson;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

import javax.net.ssl.SSLSocketFactory;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Mails each alert with Jakarta Mail (Angus Mail): implicit TLS (SMTPS) or STARTTLS, which is then required, with
 * the server's certificate checked against its host name before any credentials are sent; AUTH when a user is set;
 * one message per alert to every recipient. 4xx answers and unreachable servers are temporary (retried); 5xx, refused
 * credentials and a certificate that does not name the host are permanent.
 */
final class EmailChannel implements Channel {
    /** How the connection is protected: none (a relay on localhost), STARTTLS after a plain greeting, or TLS from the start. */
    enum Security { NONE, STARTTLS, SMTPS }

    /** SMTP settings; the password usually comes from ${env:...}. */
    record Smtp(String host, int port, Security security, String username, String password) {
    }

    private final String name;
    private final Smtp smtp;
    private final String from;
    private final List<String> to;
    private final Session session;

    EmailChannel(String name, Smtp smtp, String from, List<String> to) {
        this(name, smtp, from, to, Optional.empty());
    }

    /** @param trust a socket factory that trusts other certificates than the JDK's (tests, private CAs); host names are checked all the same */
    EmailChannel(String name, Smtp smtp, String from, List<String> to, Optional<SSLSocketFactory> trust) {
        this.name = name;
        this.smtp = smtp;
        this.from = from;
        this.to = List.copyOf(to);
        this.session = Session.getInstance(properties(smtp, trust));
    }

    private static Properties properties(Smtp smtp, Optional<SSLSocketFactory> trust) {
        String protocol = smtp.security() == Security.SMTPS ? "smtps" : "smtp";
        String prefix = "mail." + protocol + ".";
        Properties properties = new Properties();
        properties.put("mail.transport.protocol", protocol);
        properties.put(prefix + "host", smtp.host());
        properties.put(prefix + "port", Integer.toString(smtp.port()));
        properties.put(prefix + "connectiontimeout", "10000");
        properties.put(prefix + "timeout", "30000");
        properties.put(prefix + "writetimeout", "30000");
        properties.put(prefix + "localhost", "agent-telemetry");
        properties.put(prefix + "auth", Boolean.toString(smtp.username() != null && !smtp.username().isEmpty()));
        if (smtp.security() == Security.SMTPS) {
            properties.put(prefix + "ssl.enable", "true");
        }
        if (smtp.security() == Security.STARTTLS) {
            properties.put(prefix + "starttls.enable", "true");
            properties.put(prefix + "starttls.required", "true"); // never fall back to sending the password in clear
        }
        if (smtp.security() != Security.NONE) {
            properties.put(prefix + "ssl.checkserveridentity", "true");
            properties.put(prefix + "ssl.protocols", "TLSv1.3 TLSv1.2");
            // A failed TLS connection must not be retried in the clear (Jakarta Mail's default), where AUTH would follow.
            properties.put(prefix + "socketFactory.fallback", "false");
            properties.put(prefix + "ssl.socketFactory.fallback", "false");
            trust.ifPresent(factory -> properties.put(prefix + "ssl.socketFactory", factory));
        }
        return properties;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(SecurityAlert alert) throws DeliveryException {
        try {
            MimeMessage message = message(alert);
            message.saveChanges();
            // The transport by name: Transport.send would pick plain smtp for an address, whatever the settings say.
            try (Transport transport = session.getTransport(smtp.security() == Security.SMTPS ? "smtps" : "smtp")) {
                transport.connect(smtp.host(), smtp.port(), smtp.username(), smtp.password());
                transport.sendMessage(message, message.getAllRecipients());
            }
        } catch (AuthenticationFailedException e) {
            throw new DeliveryException(name + ": " + smtp.host() + " refused the credentials (" + e.getMessage() + ")", false, e);
        } catch (MessagingException e) {
            Optional<Integer> code = smtpCode(e);
            boolean certificate = causedBy(e, javax.net.ssl.SSLHandshakeException.class);
            String problem = code.map(c -> "the SMTP server answered " + c + ": " + e.getMessage())
                    .orElse(certificate ? "TLS with " + smtp.host() + " failed, so nothing was sent (is its certificate for that host name?): " + rootMessage(e)
                            : "cannot talk to " + smtp.host() + ":" + smtp.port() + " (" + rootMessage(e) + ")");
            throw new DeliveryException(name + ": " + problem, code.map(c -> c / 100 == 4).orElse(!certificate), e);
        }
    }

    MimeMessage message(SecurityAlert alert) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(from));
        Address[] recipients = new Address[to.size()];
        for (int i = 0; i < to.size(); i++) {
            recipients[i] = new InternetAddress(to.get(i));
        }
        message.setRecipients(Message.RecipientType.TO, recipients);
        message.setSubject("[agent-telemetry] " + alert.getSeverity().name().toUpperCase() + ": " + alert.getTitle() + " in " + alert.getSessionId(),
                StandardCharsets.UTF_8.name());
        message.setSentDate(new Date());
        message.setText(Channel.summary(alert) + "\n\n" + alert.getDescription() + "\n\n" + RecordJson.toNode(alert).toPrettyString() + "\n",
                StandardCharsets.UTF_8.name());
        return message;
    }

    /** The SMTP reply code of the command that failed, when the server answered one. */
    private static Optional<Integer> smtpCode(MessagingException e) {
        for (Exception cause = e; cause != null; cause = cause instanceof MessagingException m ? m.getNextException() : null) {
            if (cause instanceof SMTPSendFailedException failed) {
                return Optional.of(failed.getReturnCode());
            }
            if (cause instanceof SMTPAddressFailedException failed) {
                return Optional.of(failed.getReturnCode());
            }
            if (cause instanceof SMTPSenderFailedException failed) {
                return Optional.of(failed.getReturnCode());
            }
        }
        return Optional.empty();
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() != null ? cause.getCause()
                : cause instanceof MessagingException m ? m.getNextException() : null) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
