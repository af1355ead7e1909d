package dev.agenttelemetry.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed TLS certificate for the embedded broker, made once with the JDK's {@code keytool} and kept:
 * the key pair in a PKCS12 keystore whose password is a generated secret file, and the certificate in PEM
 * for clients to trust. It names 127.0.0.1 and localhost, so host name verification stays on.
 */
public record BrokerCertificate(Path keystore, String keystorePassword, Path certificate) {
    private static final String ALIAS = "agent-telemetry-broker";

    /** @param certificate where clients find the certificate to trust */
    public static BrokerCertificate ensure(Path dir, Path certificate) throws IOException, InterruptedException {
        SecretFiles.createPrivateDirectory(dir);
        Path keystore = dir.resolve("broker-keystore.p12");
        String password = SecretFiles.readOrCreate(dir.resolve("broker-keystore.password"));
        if (!Files.exists(keystore)) {
            keytool(password, "-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=agent-telemetry embedded broker", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                    "-validity", "3650", "-storetype", "PKCS12", "-keystore", keystore.toString());
            Files.deleteIfExists(certificate);
        }
        if (!Files.exists(certificate)) {
            keytool(password, "-exportcert", "-rfc", "-alias", ALIAS, "-keystore", keystore.toString(), "-file", certificate.toString());
        }
        return new BrokerCertificate(keystore, password, certificate);
    }

    /** Runs keytool with the store password in its environment, never on its command line (visible to `ps`). */
    private static void keytool(String password, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        command.addAll(List.of("-storepass:env", "KEYTOOL_STOREPASS", "-noprompt"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("KEYTOOL_STOREPASS", password);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("keytool " + arguments[0] + " failed while making the broker's TLS certificate: " + output.trim());
        }
    }
}
