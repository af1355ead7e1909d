package dev.agenttelemetry.launcher.security;

import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.kafka.BrokerCertificate;
import dev.agenttelemetry.kafka.EmbeddedKafkaBroker;
import dev.agenttelemetry.kafka.SecretFiles;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * The embedded broker's secured mode: a self-signed certificate, a super user, and for each component a
 * SCRAM user with a generated password and the ACLs of the {@link AccessPlan}. Secrets are files in one
 * directory, readable by their owner only, where each component's {@code KafkaAccess} finds its own.
 */
public final class EmbeddedBrokerSecurity {
    private EmbeddedBrokerSecurity() {
    }

    /** The broker's security settings; the certificate and the super user's password are made on first use. */
    public static EmbeddedKafkaBroker.Security prepare(Path secretsDir) throws IOException, InterruptedException {
        BrokerCertificate certificate = BrokerCertificate.ensure(secretsDir, secretsDir.resolve(KafkaAccess.CA_FILE));
        return new EmbeddedKafkaBroker.Security(certificate, AccessPlan.ADMIN,
                SecretFiles.readOrCreate(KafkaAccess.passwordFile(secretsDir, AccessPlan.ADMIN)));
    }

    /** Creates or updates every component's SCRAM user and grants the plan's ACLs (both idempotent). */
    public static void provision(EmbeddedKafkaBroker broker, Path secretsDir, AccessPlan plan) throws IOException, InterruptedException {
        List<UserScramCredentialAlteration> users = new ArrayList<>();
        for (String principal : AccessPlan.PRINCIPALS) {
            users.add(new UserScramCredentialUpsertion(principal, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
                    SecretFiles.readOrCreate(KafkaAccess.passwordFile(secretsDir, principal))));
        }
        try (Admin admin = Admin.create(broker.superUserClientProperties())) {
            admin.alterUserScramCredentials(users).all().get();
            admin.createAcls(plan.bindings()).all().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not create the Kafka users and ACLs: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
