package dev.agenttelemetry.launcher.up;

import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.sink.loki.LokiSinkConnector;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A standalone Kafka Connect worker in this JVM running the sink-loki connector. */
public final class ConnectRunner implements AutoCloseable {
    public static final String CONNECTOR_NAME = "agent-telemetry-loki";
    /** The name {@code Connect.start} gives its shutdown hook (Kafka 4.3). */
    private static final String CONNECT_SHUTDOWN_HOOK = "connect-shutdown-hook";

    private final Connect<StandaloneHerder> connect;

    private ConnectRunner(Connect<StandaloneHerder> connect) {
        this.connect = connect;
    }

    /**
     * @param topics     the topics to forward (events, alerts, session activity)
     * @param dlqTopic   where records Loki or the connector cannot take go, with headers saying why
     * @param dlqReplicationFactor replicas of the dead letter topic, should Connect have to create it
     * @param sinkSettings more of the connector's settings ({@code labels.fields}, {@code loki.tenant}, ...), from {@code loki.sink.*}
     */
    public static ConnectRunner start(KafkaAccess kafka, Path workDir, int restPort, String lokiUrl, String schemaRegistryUrl,
                                      List<String> topics, String dlqTopic, short dlqReplicationFactor, Map<String, String> sinkSettings,
                                      Duration timeout) throws Exception {
        Files.createDirectories(workDir);
        Map<String, String> worker = new HashMap<>();
        worker.put("bootstrap.servers", kafka.bootstrapServers());
        // The worker's own clients, the sink's consumer and the dead letter queue's producer and admin all use the connect principal.
        kafka.security().forEach((key, value) -> {
            worker.put(key, value);
            worker.put("consumer." + key, value);
            worker.put("producer." + key, value);
            worker.put("admin." + key, value);
        });
        worker.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        worker.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        worker.put("offset.storage.file.filename", workDir.resolve("standalone.offsets").toString());
        worker.put("listeners", "http://127.0.0.1:" + restPort);
        // Plugins from META-INF/services only: worker start drops from ~7 s (classpath scan) to ~1 s.
        worker.put("plugin.discovery", "service_load");
        // The Streams applications write transactionally: never forward records of aborted transactions.
        worker.put("consumer.isolation.level", "read_committed");
        // One push to Loki per fetch: wait for 64 KB or 200 ms so a push carries more than a few entries
        // (200 ms is a tenth of the 2 s hook -> Loki target).
        worker.put("consumer.fetch.min.bytes", "65536");
        worker.put("consumer.fetch.max.wait.ms", "200");
        Connect<StandaloneHerder> connect = startWithoutOwnShutdownHook(worker);

        Map<String, String> connector = new HashMap<>();
        connector.put("name", CONNECTOR_NAME);
        connector.put("connector.class", LokiSinkConnector.class.getName());
        connector.put("tasks.max", "1");
        connector.put("topics", String.join(",", topics));
        connector.put("loki.url", lokiUrl);
        connector.put("schema.registry.url", schemaRegistryUrl);
        connector.put("errors.tolerance", "all");
        connector.put("errors.deadletterqueue.topic.name", dlqTopic);
        connector.put("errors.deadletterqueue.topic.replication.factor", Short.toString(dlqReplicationFactor));
        connector.put("errors.deadletterqueue.context.headers.enable", "true");
        connector.putAll(sinkSettings);
        FutureCallback<Herder.Created<ConnectorInfo>> created = new FutureCallback<>();
        connect.herder().putConnectorConfig(CONNECTOR_NAME, connector, true, created);
        try {
            created.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            connect.stop();
            throw new IllegalStateException("could not start the Loki sink connector: " + e.getMessage(), e);
        }
        return new ConnectRunner(connect);
    }

    /**
     * Connect registers a JVM shutdown hook that stops the worker. In {@code up} our own hook stops the pipeline
     * in order (Connect before the broker it reads from); two hooks race instead: {@code Connect.stop} returns at
     * once to the second caller, the broker closes while Jetty still stops, and in CI runs Jetty's
     * {@code Server.join} then waited forever, keeping the JVM alive. So Connect's hook is left out.
     */
    private static Connect<StandaloneHerder> startWithoutOwnShutdownHook(Map<String, String> worker) {
        Exit.setShutdownHookAdder((name, hook) -> {
            if (!CONNECT_SHUTDOWN_HOOK.equals(name)) {
                Runtime.getRuntime().addShutdownHook(new Thread(hook, name));
            }
        });
        try {
            return new ConnectStandalone().startConnect(worker);
        } finally {
            Exit.resetShutdownHookAdder();
        }
    }

    /** The worker's REST API, on the port it bound (a configured port of 0 means any free one). */
    public String restUrl() {
        return connect.rest().serverUrl().toString().replaceAll("/$", "");
    }

    @Override
    public void close() {
        connect.stop();
        connect.awaitStop();
    }
}
