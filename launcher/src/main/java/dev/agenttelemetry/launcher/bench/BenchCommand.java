package dev.agenttelemetry.launcher.bench;

import picocli.CommandLine.Command;

/** {@code agent-telemetry bench}: benchmarks that print their figures. */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {CollectorBenchmark.class, EnricherBenchmark.class, MaskingMeasurement.class, RulesMeasurement.class, AnalyticsBenchmark.class, LokiBenchmark.class, LokiStreamsMeasurement.class, FuzzCommand.class, PipelineBenchmark.class},
        description = "Benchmarks on this machine, on a real (embedded) Kafka broker; each prints its figures.")
public final class BenchCommand {
}
