package dev.agenttelemetry.runtime;

import dev.agenttelemetry.config.ConfigException;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.metrics.PrometheusEndpoint;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicLayout;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One Kafka Streams application in a process of its own: reads its settings, looks up the topics' schemas, serves
 * its meters at {@code GET /metrics}, runs under {@link StreamsRunner} until the process is stopped. The enricher's
 * and the analytics app's {@code main}, and {@code agent-telemetry enricher|analytics}, all run through here.
 */
public final class StreamsApp {
    /** How long new records may wait on an application's input, its offsets standing still, before it is restarted (0: never). */
    public static final String STALL_TIMEOUT = "streams.stall.timeout.ms";
    /** How long an application may take to reach RUNNING at start. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    /** Builds and starts the application; it is running when this returns. */
    @FunctionalInterface
    public interface Starter {
        StreamsRunner start(ConfigReader config, String bootstrapServers, Path stateDir, TopicCatalog topics) throws Exception;
    }

    /** Where the application runs: its Kafka, registry, state and metrics endpoint. */
    public record Placement(String bootstrapServers, String schemaRegistryUrl, Path stateDir, String metricsHost, int metricsPort) {
    }

    private StreamsApp() {
    }

    /**
     * The {@code main} of an application: settings from the properties file named by the only argument (if any),
     * then {@code AGENT_TELEMETRY_*} environment variables. {@code bootstrap.servers} and {@code schema.registry.url}
     * are required; {@code streams.state.dir} (default {@code ./streams}), {@code metrics.host} (127.0.0.1) and
     * {@code metrics.port} are optional.
     */
    public static void main(String name, int defaultMetricsPort, String[] args, Starter starter) {
        System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "dev.agenttelemetry");
        if (args.length > 1) {
            System.err.println("usage: " + name + " [FILE.properties]   (settings may also come from AGENT_TELEMETRY_* variables)");
            System.exit(2);
        }
        try {
            ConfigReader config = ConfigReader.load(args.length == 1 ? Path.of(args[0]) : null, System.getenv());
            run(name, config, placement(config, defaultMetricsPort), starter, System.out);
            System.exit(0);
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.err.println("error: " + name + " stopped: " + e);
            System.exit(1);
        }
    }

    /** Where an application run by its {@code main} runs, from its settings. */
    public static Placement placement(ConfigReader config, int defaultMetricsPort) {
        return new Placement(config.required("bootstrap.servers"), config.required("schema.registry.url"),
                Path.of(config.string("streams.state.dir", "streams")).toAbsolutePath(), config.string("metrics.host", "127.0.0.1"),
                config.integer("metrics.port", defaultMetricsPort, 0, 65535));
    }

    /** Runs the application until the process is stopped (Ctrl+C, SIGTERM). */
    public static void run(String name, ConfigReader config, Placement placement, Starter starter, PrintStream out) throws Exception {
        out.println("agent-telemetry " + name + ": starting against Kafka " + placement.bootstrapServers() + " (state in " + placement.stateDir() + ")");
        TopicCatalog topics = TopicCatalog.registered(TopicLayout.from(config), new SchemaRegistryClient(placement.schemaRegistryUrl()));
        StreamsRunner[] app = new StreamsRunner[1];
        UntilStopped untilStopped = UntilStopped.onShutdown(out, () -> {
            if (app[0] != null) {
                app[0].close();
            }
        });
        try (PrometheusEndpoint.Server metrics = PrometheusEndpoint.get().serve(placement.metricsHost(), placement.metricsPort())) {
            app[0] = starter.start(config, placement.bootstrapServers(), placement.stateDir(), topics);
            out.println("Ready: " + name + " running, metrics at " + metrics.url() + ". Press Ctrl+C to stop.");
            untilStopped.await();
        }
    }

    /** {@value #STALL_TIMEOUT}: 3 minutes unless set; 0 turns the watch off. */
    public static Duration stallTimeout(ConfigReader config) {
        return config.millis(STALL_TIMEOUT, StreamsRunner.STALL_TIMEOUT, Duration.ZERO);
    }
}
