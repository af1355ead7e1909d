package dev.agenttelemetry.kafka;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in this JVM from
 * Kafka's own jars. Its log directory is formatted once and kept, so a restart on the same directory
 * resumes with the same data.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    /**
     * @param dataDir        where the broker keeps its logs (created when missing)
     * @param host           the address to listen on and advertise
     * @param port           the client port (0: pick a free one)
     * @param controllerPort the KRaft controller port (0: pick a free one)
     * @param overrides      further broker properties, applied last
     */
    public record Settings(Path dataDir, String host, int port, int controllerPort, Map<String, String> overrides,
                           Optional<Security> security, Optional<Membership> membership) {
        public Settings(Path dataDir, String host, int port, int controllerPort, Map<String, String> overrides, Optional<Security> security) {
            this(dataDir, host, port, controllerPort, overrides, security, Optional.empty());
        }

        /** Loopback, free ports: for tests and benchmarks that start a broker of their own. */
        public static Settings ephemeral(Path dataDir) {
            return new Settings(dataDir, "127.0.0.1", 0, 0, Map.of(), Optional.empty());
        }

        public Settings secured(Security security) {
            return new Settings(dataDir, host, port, controllerPort, overrides, Optional.of(security), membership);
        }

        /** One node of a cluster instead of a cluster of its own; the ports must then be given. */
        public Settings member(Membership membership) {
            return new Settings(dataDir, host, port, controllerPort, overrides, security, Optional.of(membership));
        }
    }

    /**
     * This node's place in a KRaft cluster whose nodes are each broker and controller, with a static quorum.
     *
     * @param nodeId    this node's id
     * @param clusterId the cluster's id, the same on every node (formats each log directory)
     * @param voters    every controller as {@code id@host:port}, comma-separated
     */
    public record Membership(int nodeId, String clusterId, String voters) {
    }

    /**
     * TLS on every listener, SASL/SCRAM-SHA-512 for clients and for the broker's own connections, SASL/PLAIN
     * for the controller listener (KRaft cannot use SCRAM there: the credentials live in the metadata it
     * serves), and ACLs enforced with {@code superUser} as the only super user: a principal without ACLs
     * can do nothing.
     */
    public record Security(BrokerCertificate certificate, String superUser, String superUserPassword) {
        @Override
        public String toString() {
            return "Security[superUser=" + superUser + ", certificate=" + certificate.certificate() + "]";
        }
    }

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Map<String, String> superUserClientSecurity;

    private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers, Map<String, String> superUserClientSecurity) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.superUserClientSecurity = superUserClientSecurity;
    }

    public static EmbeddedKafkaBroker start(Settings settings) throws IOException, InterruptedException {
        int port = settings.port() == 0 ? FreePorts.on(settings.host()) : settings.port();
        int controllerPort = settings.controllerPort() == 0 ? FreePorts.on(settings.host()) : settings.controllerPort();
        requireFree(settings.host(), port, "client");
        requireFree(settings.host(), controllerPort, "controller");
        Path logDir = settings.dataDir().resolve("kraft-logs").toAbsolutePath();
        Files.createDirectories(logDir);

        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        if (settings.membership().isPresent()) {
            props.put("node.id", Integer.toString(settings.membership().get().nodeId()));
            props.put("controller.quorum.voters", settings.membership().get().voters());
        } else {
            props.put("node.id", "1");
            props.put("controller.quorum.bootstrap.servers", settings.host() + ":" + controllerPort);
        }
        String clientListener = settings.security().isPresent() ? "SASL_SSL" : "PLAINTEXT";
        props.put("listeners", clientListener + "://" + settings.host() + ":" + port + ",CONTROLLER://" + settings.host() + ":" + controllerPort);
        props.put("advertised.listeners", clientListener + "://" + settings.host() + ":" + port);
        props.put("listener.security.protocol.map", clientListener + ":" + clientListener + ",CONTROLLER:" + clientListener);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", clientListener);
        settings.security().ifPresent(security -> props.putAll(securityProperties(security)));
        props.put("log.dirs", logDir.toString());
        // One broker: every internal topic must have replication factor 1, or exactly-once Streams
        // applications wait forever in REBALANCING without an error. A cluster's nodes override these.
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "1");
        // Room for the largest hook payloads (Write/Edit responses of ~800 KB) plus framing.
        props.put("message.max.bytes", Integer.toString(4 * 1024 * 1024));
        // The log cleaner's offset map is one heap buffer, 128 MB by default: a quarter of `up`'s heap, held for
        // good. 16 MB holds ~600,000 keys per cleaning pass, far more than one machine's compacted topics get
        // between passes (a larger backlog is cleaned in several passes).
        props.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        props.putAll(settings.overrides());

        format(logDir, props, settings.security(), settings.membership());
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        server.startup();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, settings.host() + ":" + port,
                settings.security().map(EmbeddedKafkaBroker::clientSecurity).orElse(Map.of()));
        try {
            broker.awaitReady(Duration.ofSeconds(60));
        } catch (RuntimeException | InterruptedException e) {
            broker.close();
            throw e;
        }
        log.info("Kafka broker (KRaft) ready on {} ({}) with data in {}", broker.bootstrapServers, clientListener, logDir);
        return broker;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Client security properties of the super user (empty for a plaintext broker). */
    public Map<String, String> superUserClientSecurity() {
        return superUserClientSecurity;
    }

    /** Client properties to reach this broker as the super user: for provisioning users, ACLs and topics. */
    public Map<String, Object> superUserClientProperties() {
        Map<String, Object> properties = new HashMap<>(superUserClientSecurity);
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return properties;
    }

    private static Map<String, String> securityProperties(Security security) {
        BrokerCertificate certificate = security.certificate();
        String user = jaasQuoted(security.superUser());
        String password = jaasQuoted(security.superUserPassword());
        Map<String, String> props = new HashMap<>();
        props.put("ssl.keystore.type", "PKCS12");
        props.put("ssl.keystore.location", certificate.keystore().toString());
        props.put("ssl.keystore.password", certificate.keystorePassword());
        props.put("ssl.key.password", certificate.keystorePassword());
        props.put("ssl.truststore.type", "PEM");
        props.put("ssl.truststore.location", certificate.certificate().toString());
        props.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        props.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
        props.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";");
        props.put("sasl.mechanism.controller.protocol", "PLAIN");
        props.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        props.put("listener.name.controller.plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + user + "\" password=\"" + password + "\" user_" + security.superUser() + "=\"" + password + "\";");
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("super.users", "User:" + security.superUser());
        props.put("allow.everyone.if.no.acl.found", "false");
        return props;
    }

    private static Map<String, String> clientSecurity(Security security) {
        return Map.of("security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + jaasQuoted(security.superUser()) + "\" password=\"" + jaasQuoted(security.superUserPassword()) + "\";",
                "ssl.truststore.type", "PEM",
                "ssl.truststore.location", security.certificate().certificate().toString());
    }

    private static String jaasQuoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** Formats the log directory unless it already is: then it keeps its cluster id and data. */
    private static void format(Path logDir, Properties props, Optional<Security> security, Optional<Membership> membership) throws IOException {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        Path config = logDir.resolve("server.properties.format");
        try (Writer out = Files.newBufferedWriter(config)) {
            props.store(out, "used to format this log directory");
        }
        List<String> arguments = new ArrayList<>(List.of("format", "--cluster-id", membership.map(Membership::clusterId).orElse(Uuid.randomUuid().toString()),
                "--config", config.toString()));
        if (membership.isEmpty()) {
            arguments.add("--standalone"); // a static quorum (controller.quorum.voters) is formatted without it
        }
        // The broker authenticates to itself with SCRAM, so its credential must exist before it starts.
        security.ifPresent(s -> arguments.addAll(List.of("--add-scram",
                "SCRAM-SHA-512=[name=" + s.superUser() + ",password=" + s.superUserPassword() + "]")));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try {
            exitCode = StorageTool.execute(arguments.toArray(String[]::new), new PrintStream(output, true, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(config);
        }
        if (exitCode != 0) {
            throw new IllegalStateException("formatting the Kafka log directory " + logDir + " failed: "
                    + output.toString(StandardCharsets.UTF_8).trim());
        }
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        try (Admin admin = Admin.create(superUserClientProperties())) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IllegalStateException("Kafka broker on " + bootstrapServers + " did not become ready within " + timeout, e);
                    }
                }
            }
        }
    }

    private static void requireFree(String host, int port, String what) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("the Kafka " + what + " port " + host + ":" + port
                    + " is in use (is another broker or agent-telemetry running?)", e));
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
