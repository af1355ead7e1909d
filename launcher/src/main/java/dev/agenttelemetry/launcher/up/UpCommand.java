package dev.agenttelemetry.launcher.up;

import dev.agenttelemetry.runtime.UntilStopped;
import dev.agenttelemetry.launcher.CommonOptions;
import dev.agenttelemetry.launcher.PipelineSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/** {@code agent-telemetry up}: the whole pipeline on this machine until Ctrl+C. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Runs the whole pipeline on this machine.",
                "Runs the whole pipeline on this machine: an embedded Kafka broker and schema registry",
                "(unless existing ones are given), the collector, the enricher, the analytics app, and the",
                "Loki sink when --loki-url is set. Ctrl+C stops it; running it again resumes with the same data."},
        footer = {"", "Examples:", "  agent-telemetry up",
                "  agent-telemetry up --loki-url http://127.0.0.1:3100",
                "  agent-telemetry up --bootstrap-servers kafka:9092 \\",
                "      --schema-registry-url http://registry:8081"})
public final class UpCommand implements Callable<Integer> {
    /** The line `up` prints once everything runs; its group is the collector's URL (scripts and tests wait for it). */
    public static final Pattern READY_LINE = Pattern.compile("hooks post to (http://\\S+)/v1/hooks");

    @Mixin
    CommonOptions common;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Use this Kafka instead of starting the embedded broker.")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", paramLabel = "URL", description = "Use this schema registry instead of the embedded one.")
    String schemaRegistryUrl;

    @Option(names = "--loki-url", paramLabel = "URL", description = "Forward events, alerts and session activity to this Grafana Loki.")
    String lokiUrl;

    @Option(names = "--collector-port", paramLabel = "PORT", description = "Port of the hook endpoint (default: 4180).")
    Integer collectorPort;

    @Option(names = "--without", paramLabel = "APP[,APP]", description = "Leave out the enricher and/or the analytics app, run elsewhere with "
            + "`agent-telemetry enricher` / `agent-telemetry analytics` (setting up.without).")
    String without;

    @Option(names = "--verbose", description = "Log Kafka's own components at info level too.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        Path logFile = common.logToFile("agent-telemetry.log", verbose);
        Map<String, String> options = new HashMap<>();
        options.put("bootstrap.servers", bootstrapServers);
        options.put("schema.registry.url", schemaRegistryUrl);
        options.put("loki.url", lokiUrl);
        options.put("collector.port", collectorPort == null ? null : collectorPort.toString());
        options.put(Pipeline.WITHOUT, without);
        PipelineSettings settings = common.settings(options);

        PrintStream out = System.out;
        out.println("agent-telemetry: starting the pipeline (data in " + settings.dataDir() + ", log in " + logFile + ")");
        Pipeline pipeline = new Pipeline();
        UntilStopped untilStopped = UntilStopped.onShutdown(out, pipeline::close);
        pipeline.startAll(settings, new Pipeline.Progress() {
            @Override
            public void started(String component, String detail, Duration took) {
                out.printf("  [ok]  %-16s %-58s %5.1f s%n", component, detail, took.toMillis() / 1000.0);
            }

            @Override
            public void skipped(String component, String why) {
                out.printf("  [--]  %-16s %s%n", component, why);
            }
        });
        out.println();
        out.println("Ready. Claude Code hooks post to " + pipeline.collectorUrl() + "/v1/hooks (see README: Hook setup).");
        out.println("Metrics of every component, for Prometheus: " + pipeline.metricsUrl());
        out.println("Watch alerts with: ./agent-telemetry alerts --follow. Press Ctrl+C to stop.");
        untilStopped.await();
        return 0;
    }
}
