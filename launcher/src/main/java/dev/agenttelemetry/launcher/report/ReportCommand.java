package dev.agenttelemetry.launcher.report;

import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.launcher.KafkaOptions;
import dev.agenttelemetry.launcher.TopicScan;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.topics.TopicCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code agent-telemetry report}: what the agents did over the last days, as Markdown, HTML or JSON. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Summarises the last days as Markdown, HTML or JSON.",
                "Summarises the last days from the topics: sessions, events, prompts, top tools, failures, the share",
                "delegated to sub-agents, alerts by severity and rule, the riskiest sessions, and, when Claude Code's OTLP",
                "telemetry is collected, tokens and cost by model and the costliest prompts (joined by prompt id).",
                "Exit codes: 0 written, 1 Kafka unreachable, 2 usage."},
        footer = {"", "Examples:", "  agent-telemetry report", "  agent-telemetry report --days 30 --format html --output report.html",
                "  agent-telemetry report --format json | jq .usage.cost_usd"})
public final class ReportCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Spec
    CommandSpec spec;

    @Option(names = "--days", paramLabel = "N", defaultValue = "7", description = "Days to cover, up to now (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "md", description = "md, html or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to this file instead of standard output.")
    Path output;

    @Override
    public Integer call() throws Exception {
        if (!List.of("md", "html", "json").contains(format)) {
            spec.commandLine().getErr().println("error: --format must be md, html or json, not '" + format + "'");
            return 2;
        }
        if (days < 1) {
            spec.commandLine().getErr().println("error: --days must be at least 1");
            return 2;
        }
        KafkaOptions.Resolved resolved = kafka.resolve();
        TopicCatalog topics = TopicCatalog.of(resolved.settings().topics(), new SchemaRegistryClient(resolved.schemaRegistryUrl()));
        Instant to = Instant.now();
        Instant from = to.minus(Duration.ofDays(days));
        PrintWriter err = spec.commandLine().getErr();
        KafkaAccess kafkaAddress = resolved.kafka();
        err.println("reading events, alerts, session activity and telemetry since " + from + " ...");
        err.flush();
        var events = TopicScan.read(kafkaAddress, topics.events(), from, e -> !e.getReceivedAt().isBefore(from), n -> { });
        var alerts = TopicScan.read(kafkaAddress, topics.alerts(), from, a -> !a.getLastSeen().isBefore(from), n -> { });
        var activity = TopicScan.read(kafkaAddress, topics.sessions(), from, a -> true, n -> { });
        var telemetry = TopicScan.read(kafkaAddress, topics.otlpLogs(), from, r -> true, n -> { });
        Report report = Report.of(from, to, java.time.ZoneId.systemDefault(), events, alerts, activity, telemetry);
        String text = switch (format) {
            case "html" -> ReportWriter.html(report);
            case "json" -> ReportWriter.json(report);
            default -> ReportWriter.markdown(report);
        };
        if (output != null) {
            Files.writeString(output, text);
            err.println("wrote " + output + " (" + report.sessions() + " sessions, " + report.events() + " events)");
        } else {
            PrintWriter out = spec.commandLine().getOut();
            out.print(text);
            out.flush();
        }
        err.flush();
        return 0;
    }
}
