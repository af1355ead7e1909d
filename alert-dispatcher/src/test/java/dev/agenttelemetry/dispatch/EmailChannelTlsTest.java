package dev.agenttelemetry.dispatch;

import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.avro.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Mail over TLS, against an SMTP server of the test's own with a certificate made by {@code keytool}: the client
 * trusts the certificate, so only the host name decides. A certificate for the host connected to is accepted; one
 * that names another host is refused before AUTH, so a man in the middle never sees the credentials, over STARTTLS
 * and over SMTPS alike.
 */
class EmailChannelTlsTest {
    private static final String PASSWORD = "s3cret-smtp-password";

    @TempDir
    Path dir;

    private final List<String> transcript = new CopyOnWriteArrayList<>();

    @Test
    void startTlsToTheNamedHostDeliversAfterCheckingItsCertificate() throws Exception {
        SSLContext server = serverContext("localhost");
        try (ServerSocket socket = new ServerSocket(0, 5, InetAddress.getByName("localhost"))) {
            Thread serving = serve(socket, server, false);
            EmailChannel channel = channel(EmailChannel.Security.STARTTLS, socket.getLocalPort());
            channel.send(alert());
            serving.join(10_000);
        }
        assertThat(transcript).contains("STARTTLS", "DATA").anySatisfy(line -> assertThat(line).startsWith("AUTH"));
        assertThat(transcript.indexOf("STARTTLS")).isLessThan(indexOfAuth());
    }

    @Test
    void aCertificateForAnotherHostFailsForGoodBeforeTheCredentialsAreSent() throws Exception {
        for (EmailChannel.Security security : List.of(EmailChannel.Security.STARTTLS, EmailChannel.Security.SMTPS)) {
            transcript.clear();
            SSLContext server = serverContext("mail.other.example");
            try (ServerSocket socket = new ServerSocket(0, 5, InetAddress.getByName("localhost"))) {
                serve(socket, server, security == EmailChannel.Security.SMTPS);
                EmailChannel channel = channel(security, socket.getLocalPort());
                assertThatThrownBy(() -> channel.send(alert())).as(security.name() + " " + transcript).isInstanceOf(Channel.DeliveryException.class)
                        .hasMessageContaining("TLS with localhost failed").satisfies(e -> assertThat(((Channel.DeliveryException) e).retriable()).isFalse());
            }
            assertThat(indexOfAuth()).as(security + ": no AUTH reached the server").isNegative();
            assertThat(String.join("\n", transcript)).doesNotContain(PASSWORD);
        }
    }

    private int indexOfAuth() {
        for (int i = 0; i < transcript.size(); i++) {
            if (transcript.get(i).startsWith("AUTH")) {
                return i;
            }
        }
        return -1;
    }

    private EmailChannel channel(EmailChannel.Security security, int port) throws Exception {
        return new EmailChannel("mail", new EmailChannel.Smtp("localhost", port, security, "alerts", PASSWORD), "alerts@example.com",
                List.of("oncall@example.com"), Optional.of(clientTrusting()));
    }

    private static SecurityAlert alert() {
        return SecurityAlert.newBuilder().setAlertId("a1").setRuleId("destructive_command").setTitle("Destructive command").setSeverity(Severity.critical)
                .setSessionId("s1").setProjectName("shop").setEvidence("rm -rf /").setFirstSeen(Instant.now()).setLastSeen(Instant.now()).build();
    }

    /** A key pair and self-signed certificate for the name, made by the JDK's keytool. */
    private SSLContext serverContext(String hostName) throws Exception {
        Path keyStore = dir.resolve(hostName + ".p12");
        Files.deleteIfExists(keyStore);
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-alias", "smtp",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + hostName, "-ext", "SAN=dns:" + hostName, "-validity", "2",
                "-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        trusted.setCertificateEntry(hostName, keys.getCertificate("smtp"));
        return context;
    }

    private final KeyStore trusted = emptyTrustStore();

    private static KeyStore emptyTrustStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            return store;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The client trusts every certificate the test made, whatever name it carries: the host-name check is left to decide. */
    private SSLSocketFactory clientTrusting() throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    /** Just enough SMTP for one message, with STARTTLS (or TLS from the start) and AUTH PLAIN; every command is recorded. */
    private Thread serve(ServerSocket server, SSLContext tls, boolean implicitTls) {
        Thread thread = new Thread(() -> {
            try (Socket accepted = server.accept()) {
                Socket client = accepted;
                if (implicitTls) {
                    client = wrap(tls, accepted);
                }
                BufferedReader in = reader(client);
                OutputStream out = client.getOutputStream();
                reply(out, "220 test ESMTP");
                String line;
                while ((line = in.readLine()) != null) {
                    transcript.add(line);
                    if (line.startsWith("EHLO")) {
                        reply(out, client instanceof SSLSocket ? "250-test\r\n250 AUTH PLAIN LOGIN" : "250-test\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN");
                    } else if (line.equals("STARTTLS")) {
                        reply(out, "220 go ahead");
                        client = wrap(tls, client);
                        in = reader(client);
                        out = client.getOutputStream();
                    } else if (line.startsWith("AUTH")) {
                        reply(out, "235 accepted");
                    } else if (line.equals("DATA")) {
                        reply(out, "354 go on");
                        while ((line = in.readLine()) != null && !line.equals(".")) {
                            transcript.add(line);
                        }
                        reply(out, "250 queued");
                    } else if (line.equals("QUIT")) {
                        reply(out, "221 bye");
                        return;
                    } else {
                        reply(out, "250 OK");
                    }
                }
            } catch (java.io.IOException e) {
                transcript.add("closed: " + e); // the client gave up on the handshake
            }
        }, "fake-smtp");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static SSLSocket wrap(SSLContext tls, Socket plain) throws java.io.IOException {
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, null, plain.getPort(), true);
        socket.setUseClientMode(false);
        socket.startHandshake();
        return socket;
    }

    private static BufferedReader reader(Socket socket) throws java.io.IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    private static void reply(OutputStream out, String text) throws java.io.IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
