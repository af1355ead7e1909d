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
import java.util.Map;
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
    public record Settings(Path dataDir, String host, int port, int controllerPort, Map<String, String> overrides) {
        /** Loopback, free ports: for tests and benchmarks that start a broker of their own. */
        public static Settings ephemeral(Path dataDir) {
            return new Settings(dataDir, "127.0.0.1", 0, 0, Map.of());
        }
    }

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    public static EmbeddedKafkaBroker start(Settings settings) throws IOException, InterruptedException {
        int port = settings.port() == 0 ? freePort(settings.host()) : settings.port();
        int controllerPort = settings.controllerPort() == 0 ? freePort(settings.host()) : settings.controllerPort();
        requireFree(settings.host(), port, "client");
        requireFree(settings.host(), controllerPort, "controller");
        Path logDir = settings.dataDir().resolve("kraft-logs").toAbsolutePath();
        Files.createDirectories(logDir);

        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.bootstrap.servers", settings.host() + ":" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + settings.host() + ":" + port + ",CONTROLLER://" + settings.host() + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + settings.host() + ":" + port);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        // One broker: every internal topic must have replication factor 1, or exactly-once Streams
        // applications wait forever in REBALANCING without an error.
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
        props.putAll(settings.overrides());

        format(logDir, props);
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        server.startup();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, settings.host() + ":" + port);
        try {
            broker.awaitReady(Duration.ofSeconds(60));
        } catch (RuntimeException | InterruptedException e) {
            broker.close();
            throw e;
        }
        log.info("Kafka broker (KRaft) ready on {} with data in {}", broker.bootstrapServers, logDir);
        return broker;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Formats the log directory unless it already is: then it keeps its cluster id and data. */
    private static void format(Path logDir, Properties props) throws IOException {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        Path config = logDir.resolve("server.properties.format");
        try (Writer out = Files.newBufferedWriter(config)) {
            props.store(out, "used to format this log directory");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode = StorageTool.execute(new String[]{"format", "--cluster-id", Uuid.randomUuid().toString(),
                "--config", config.toString(), "--standalone"},
                new PrintStream(output, true, StandardCharsets.UTF_8));
        Files.deleteIfExists(config);
        if (exitCode != 0) {
            throw new IllegalStateException("formatting the Kafka log directory " + logDir + " failed: "
                    + output.toString(StandardCharsets.UTF_8).trim());
        }
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
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

    private static int freePort(String host) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, 0));
            return socket.getLocalPort();
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
