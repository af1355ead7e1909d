package dev.agenttelemetry.launcher.up;

import dev.agenttelemetry.runtime.UntilStopped;
import dev.agenttelemetry.kafka.EmbeddedKafkaBroker;
import dev.agenttelemetry.launcher.CommonOptions;
import dev.agenttelemetry.launcher.PipelineSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code agent-telemetry broker}: the embedded Kafka broker alone, for a pipeline that runs in other processes. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Runs only the embedded Kafka broker (KRaft), until Ctrl+C.",
                "The same broker `up` starts, on <data-dir>/kafka, so other processes (`up --bootstrap-servers`,",
                "`collector`) can share it and be restarted on their own. With kafka.security.protocol=SASL_SSL it",
                "runs with TLS, SCRAM and every component's ACLs."},
        footer = {"", "Examples:", "  agent-telemetry broker --port 9092",
                "  agent-telemetry up --bootstrap-servers 127.0.0.1:9092"})
public final class BrokerCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--port", paramLabel = "PORT", description = "Client port (default: broker.port, 9092).")
    Integer port;

    @Option(names = "--verbose", description = "Log Kafka's own components at info level too.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        Path logFile = common.logToFile("broker.log", verbose);
        Map<String, String> options = new HashMap<>();
        options.put("broker.port", port == null ? null : port.toString());
        PipelineSettings settings = common.settings(options);
        PrintStream out = System.out;
        out.println("agent-telemetry: starting the Kafka broker (data in " + settings.dataDir().resolve("kafka") + ", log in " + logFile + ")");
        EmbeddedKafkaBroker broker = Pipeline.startEmbeddedBroker(settings);
        UntilStopped untilStopped = UntilStopped.onShutdown(out, broker::close);
        out.println("Ready: " + Pipeline.describe(broker, settings) + ". Press Ctrl+C to stop.");
        untilStopped.await();
        return 0;
    }
}
