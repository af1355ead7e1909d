package dev.agenttelemetry.launcher.sessions;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.launcher.KafkaOptions;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.topics.TopicCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code agent-telemetry verify ID}: is the session's audit trail complete and unaltered? */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Checks a session's audit trail (its hash chain).",
                "Checks a session's hash chain on the events topic: every position present once, every event's hash",
                "matching its content, every event linked to the one before. Reports each missing or altered event with its",
                "position.", "Exit codes: 0 intact, 3 broken, 1 the session has no events or Kafka is unreachable, 2 usage."},
        footer = {"", "Examples:", "  agent-telemetry verify 4f1c2a0e-1b2c-4d5e-8f90-123456789abc",
                "  agent-telemetry verify $SESSION || echo \"audit trail broken\""})
public final class VerifyCommand implements Callable<Integer> {
    public static final int BROKEN = 3;

    @Mixin
    KafkaOptions kafka;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SESSION_ID", description = "The session to verify.")
    String sessionId;

    @Override
    public Integer call() throws InterruptedException {
        KafkaOptions.Resolved resolved = kafka.resolve();
        TopicCatalog topics = TopicCatalog.of(resolved.settings().topics(), new SchemaRegistryClient(resolved.schemaRegistryUrl()));
        List<AgentEvent> events = SessionRecords.read(resolved.kafka(), topics.events(), sessionId);
        PrintWriter out = spec.commandLine().getOut();
        if (events.isEmpty()) {
            spec.commandLine().getErr().println("error: no events of session " + sessionId + " on " + topics.events().name()
                    + " (a wrong id, or older than the topic's retention)");
            return 1;
        }
        List<ChainCheck.Problem> problems = ChainCheck.check(events);
        if (problems.isEmpty()) {
            out.println("session " + sessionId + ": intact, " + events.size() + " events, chain 1.." + events.size()
                    + " verified (last hash " + events.stream().max(java.util.Comparator.comparingLong(AgentEvent::getSequence))
                    .orElseThrow().getHash().substring(0, 16) + "…)");
            out.flush();
            return 0;
        }
        out.println("session " + sessionId + ": BROKEN, " + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                + " in " + events.size() + " events");
        problems.forEach(problem -> out.printf("  position %d: %s%n", problem.position(), problem.what()));
        out.flush();
        return BROKEN;
    }
}
