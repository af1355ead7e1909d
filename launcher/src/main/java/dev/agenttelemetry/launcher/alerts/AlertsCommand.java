package dev.agenttelemetry.launcher.alerts;

import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.avro.Severity;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.launcher.KafkaOptions;
import dev.agenttelemetry.schemas.json.RecordJson;
import dev.agenttelemetry.launcher.TimeArgument;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.topics.Topic;
import dev.agenttelemetry.topics.TopicCatalog;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code agent-telemetry alerts}: the security alerts raised so far, and with --follow as they come. */
@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = "Prints the security alerts on the alerts topic, oldest first, then exits (--follow keeps watching).",
        footer = {"", "Examples:", "  agent-telemetry alerts", "  agent-telemetry alerts --follow --severity high", "  agent-telemetry alerts --since 24h",
                "  agent-telemetry alerts --json | jq .rule_id"})
public final class AlertsCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafkaOptions;

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new alerts until Ctrl+C.")
    boolean follow;

    @Option(names = "--json", description = "One JSON object per line instead of a table.")
    boolean json;

    // A string, not the Avro enum: picocli would initialise Avro (and with it logging) while parsing.
    @Option(names = "--severity", paramLabel = "LEVEL", description = "Only alerts at least this severe: low, medium, high or critical.")
    String severity;

    @Option(names = "--since", paramLabel = "TIME", description = "Only alerts seen since then: 2026-11-23T10:00:00Z, 2026-11-23, or 30m, 2h, 7d ago.")
    String since;

    private Severity minimumSeverity;
    private java.time.Instant sinceTime;

    @Override
    public Integer call() throws Exception {
        if (severity != null) {
            try {
                minimumSeverity = Severity.valueOf(severity.toLowerCase());
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("error: --severity must be low, medium, high or critical, not '" + severity + "'");
                return 2;
            }
        }
        if (since != null) {
            try {
                sinceTime = TimeArgument.parse("--since", since, java.time.Instant.now());
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
                return 2;
            }
        }
        KafkaOptions.Resolved resolved = kafkaOptions.resolve();
        KafkaAccess kafka = resolved.kafka();
        Topic<String, SecurityAlert> topic = TopicCatalog.of(resolved.settings().topics(), new SchemaRegistryClient(resolved.schemaRegistryUrl())).alerts();
        AlertPrinter printer = new AlertPrinter(spec.commandLine().getOut(), json, System.console() != null && System.getenv("NO_COLOR") == null);

        try (KafkaConsumer<String, SecurityAlert> consumer = new KafkaConsumer<>(kafka.clientProperties(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (partitions.isEmpty()) {
                spec.commandLine().getErr().println("error: topic " + topic.name() + " does not exist on " + kafka + " (has `agent-telemetry up` run there?)");
                return 1;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<SecurityAlert> backlog = new ArrayList<>();
            while (!reached(consumer, end)) {
                for (ConsumerRecord<String, SecurityAlert> record : consumer.poll(Duration.ofMillis(200))) {
                    backlog.add(record.value());
                }
            }
            backlog.sort(Comparator.comparing(SecurityAlert::getLastSeen));
            List<SecurityAlert> shown = backlog.stream().filter(this::wanted).toList();
            printer.header(shown.isEmpty() && !follow);
            shown.forEach(printer::print);
            while (follow) {
                for (ConsumerRecord<String, SecurityAlert> record : consumer.poll(Duration.ofMillis(500))) {
                    if (wanted(record.value())) {
                        printer.print(record.value());
                    }
                }
            }
        }
        return 0;
    }

    private boolean wanted(SecurityAlert alert) {
        return (minimumSeverity == null || alert.getSeverity().ordinal() >= minimumSeverity.ordinal())
                && (sinceTime == null || !alert.getLastSeen().isBefore(sinceTime));
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    /** Prints alerts as a table (coloured on a terminal) or as JSON lines. */
    static final class AlertPrinter {
        private static final String ROW = "%-19s  %-8s  %-22s  %-20s  %-16s  %5s  %s%n";
        private final PrintWriter out;
        private final boolean json;
        private final boolean color;

        AlertPrinter(PrintWriter out, boolean json, boolean color) {
            this.out = out;
            this.json = json;
            this.color = color;
        }

        void header(boolean none) {
            if (json) {
                return;
            }
            if (none) {
                out.println("No alerts.");
            } else {
                out.printf(ROW, "LAST SEEN (UTC)", "SEVERITY", "RULE", "SESSION", "PROJECT", "COUNT", "EVIDENCE");
            }
            out.flush();
        }

        void print(SecurityAlert alert) {
            if (json) {
                out.println(RecordJson.toJson(alert));
                out.flush();
                return;
            }
            String severity = String.format("%-8s", alert.getSeverity().name());
            if (color) {
                String code = switch (alert.getSeverity()) {
                    case critical -> "1;31";
                    case high -> "31";
                    case medium -> "33";
                    case low -> "36";
                };
                severity = "\u001b[" + code + "m" + severity + "\u001b[0m";
            }
            out.printf(ROW, alert.getLastSeen().toString().replace('T', ' ').substring(0, 19), severity, alert.getRuleId(),
                    shorten(alert.getSessionId(), 20), shorten(alert.getProjectName() == null ? "-" : alert.getProjectName(), 16),
                    alert.getCount(), shorten(alert.getEvidence().replaceAll("\\s+", " "), 80));
            out.flush();
        }

        private static String shorten(String text, int max) {
            return text.length() <= max ? text : text.substring(0, max - 1) + "…";
        }
    }
}
