package dev.agenttelemetry.launcher.dispatch;

import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.dispatch.DispatchConfig;
import dev.agenttelemetry.dispatch.Dispatcher;
import dev.agenttelemetry.metrics.PrometheusEndpoint;
import dev.agenttelemetry.launcher.KafkaOptions;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.topics.Topic;
import dev.agenttelemetry.topics.TopicCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code agent-telemetry dispatch}: send alerts to people (console, webhooks, Slack, email) as they are raised. */
@Command(name = "dispatch", mixinStandardHelpOptions = true,
        description = {"Sends alerts to people: console, webhooks, Slack, email.",
                "Runs the alert dispatcher until Ctrl+C: a consumer group on the alerts topic that sends each new alert to",
                "the channels its severity routes it to (console, generic JSON webhook, Slack-compatible webhook, email over",
                "SMTP), with a rate limit per channel and retries, committing an alert only after it was sent.",
                "The configuration file format is in docs/operations.md (Alerts to people). ${env:NAME} values come from the environment.",
                "Exit codes: 0 stopped, 1 Kafka unreachable, 2 invalid configuration."},
        footer = {"", "Examples:", "  agent-telemetry dispatch --config-file dispatch.yaml --check",
                "  SLACK_WEBHOOK_URL=https://hooks.slack.com/services/... \\",
                "      agent-telemetry dispatch --config-file dispatch.yaml"})
public final class DispatchCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Spec
    CommandSpec spec;

    @Option(names = "--config-file", paramLabel = "FILE", required = true, description = "The dispatcher's channels and routes (YAML).")
    Path file;

    @Option(names = "--check", description = "Only check the file: print the channels and routes, then exit.")
    boolean check;

    @Option(names = "--group", paramLabel = "ID", defaultValue = "agent-telemetry-dispatcher", description = "Consumer group (default: ${DEFAULT-VALUE}).")
    String group;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "9467",
            description = "Where GET /metrics serves the dispatcher's meters for Prometheus (default: ${DEFAULT-VALUE}; 0: any free port).")
    int metricsPort;

    @Option(names = "--metrics-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Interface of GET /metrics (default: ${DEFAULT-VALUE}; 0.0.0.0 in a container Prometheus scrapes).")
    String metricsHost;

    @Option(names = "--from-beginning", description = "A new group starts at the oldest alert instead of the next one.")
    boolean fromBeginning;

    @Override
    public Integer call() throws IOException, InterruptedException {
        DispatchConfig config;
        try {
            config = DispatchConfig.parse(file.toString(), Files.readString(file), System.getenv(), spec.commandLine().getOut());
        } catch (DispatchConfig.Invalid e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 2;
        }
        var out = spec.commandLine().getOut();
        out.println("channels: " + String.join(", ", config.channels().stream().map(c -> c.name() + " (" + c.getClass().getSimpleName()
                .replace("Channel", "").toLowerCase() + ")").toList()));
        config.routes().forEach(route -> out.println("route: " + route.minSeverity() + " and above -> " + String.join(", ", route.channels())));
        out.flush();
        if (check) {
            return 0;
        }
        KafkaOptions.Resolved resolved = kafka.resolve();
        Topic<String, SecurityAlert> alerts = TopicCatalog.of(resolved.settings().topics(), new SchemaRegistryClient(resolved.schemaRegistryUrl())).alerts();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.set(false);
            try {
                main.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        PrometheusEndpoint.Server metrics = PrometheusEndpoint.get().serve(metricsHost, metricsPort);
        out.println("dispatching alerts from " + alerts.name() + " as group " + group + ", metrics at " + metrics.url() + " (Ctrl+C to stop)");
        out.flush();
        try (metrics) {
            new Dispatcher(config).run(resolved.kafka(), alerts, group, fromBeginning, running::get);
        }
        return 0;
    }
}
