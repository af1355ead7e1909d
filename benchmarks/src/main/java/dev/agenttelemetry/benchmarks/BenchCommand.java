package dev.agenttelemetry.benchmarks;

import dev.agenttelemetry.launcher.AgentTelemetry;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code agent-telemetry bench}: benchmarks that print their figures. The {@code agent-telemetry} script runs this
 * jar for {@code bench}, so the command-line jar carries no benchmark code.
 */
@Command(name = "agent-telemetry bench", mixinStandardHelpOptions = true, subcommands = {CollectorBenchmark.class, EnricherBenchmark.class, MaskingMeasurement.class, RulesMeasurement.class, AnalyticsBenchmark.class, LokiBenchmark.class, LokiStreamsMeasurement.class, FuzzCommand.class, PipelineBenchmark.class},
        versionProvider = AgentTelemetry.Version.class,
        description = "Benchmarks on this machine, on a real (embedded) Kafka broker; each prints its figures.")
public final class BenchCommand {
    public static void main(String[] args) {
        System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "dev.agenttelemetry");
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return AgentTelemetry.configure(new CommandLine(new BenchCommand()));
    }
}
