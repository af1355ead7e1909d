package dev.agenttelemetry.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.enricher.HookEventEnricher;
import dev.agenttelemetry.enricher.masking.Masker;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Recall where secrets really turn up: each literal secret of the secrets corpus is planted in a real hook payload
 * (in a command, a tool's output, a file's content or a message, in turn), the payload goes through the enricher,
 * and the event must no longer hold the secret (judged as {@link MaskingMeasurement#secretOf} finds it).
 */
final class PlantedSecrets {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[][] PLACES = {{"tool_input", "command"}, {"tool_response", "stdout"}, {"tool_input", "content"},
            {"tool_response", "stderr"}, {"", "last_assistant_message"}};

    private PlantedSecrets() {
    }

    static void measure(Path secretsFile, Path hooksFile, Masker masker, PrintStream out) throws IOException {
        List<ObjectNode> payloads = new ArrayList<>();
        for (String line : Files.readAllLines(hooksFile, StandardCharsets.UTF_8)) {
            if (JSON.readTree(line).path("payload") instanceof ObjectNode payload) {
                payloads.add(payload);
            }
        }
        HookEventEnricher enricher = new HookEventEnricher(masker, 200);
        Map<Half, int[]> found = new EnumMap<>(Half.class); // per half: {planted, still found}
        int n = 0;
        List<String> leakedRules = new ArrayList<>();
        for (String line : Files.readAllLines(secretsFile, StandardCharsets.UTF_8)) {
            JsonNode row = JSON.readTree(line);
            if (!row.path("is_secret").asBoolean() || row.path("generated").asBoolean()) {
                continue;
            }
            String text = row.path("text").asText();
            String secret = MaskingMeasurement.secretOf(text).orElse(null);
            if (secret == null) {
                continue;
            }
            ObjectNode payload = payloads.get(n % payloads.size()).deepCopy();
            String[] place = PLACES[n % PLACES.length];
            n++;
            if (!place[0].isEmpty() && !payload.path(place[0]).isObject()) {
                payload.putObject(place[0]); // a tool response that is plain text: planted in an object of its own
            }
            ObjectNode parent = place[0].isEmpty() ? payload : (ObjectNode) payload.get(place[0]);
            parent.put(place[1], parent.path(place[1]).asText("") + "\n" + text + "\n");
            HookEnvelope envelope = HookEnvelope.newBuilder().setEventId("planted-" + n).setReceivedAt(Instant.EPOCH)
                    .setHookEventName(payload.path("hook_event_name").asText("PostToolUse")).setSessionId(payload.path("session_id").asText("s"))
                    .setCwd(payload.path("cwd").asText("/w")).setPayload(payload.toString()).build();
            AgentEvent event = enricher.enrich(envelope);
            boolean leaked = event.toString().contains(secret);
            int[] counts = found.computeIfAbsent(Half.of(MaskingMeasurement.family(row.path("rule_id").asText())), h -> new int[2]);
            counts[0]++;
            counts[1] += leaked ? 1 : 0;
            if (leaked) {
                leakedRules.add(row.path("rule_id").asText());
            }
        }
        out.println("Literal secrets planted in real hook payloads, through the enricher (target: none left in the event):");
        for (Half half : Half.values()) {
            int[] counts = found.getOrDefault(half, new int[2]);
            out.printf("  %-9s %d planted, %d still in the event%n", half.label, counts[0], counts[1]);
        }
        if (!leakedRules.isEmpty()) {
            out.println("  still found, by the corpus' rule: " + leakedRules);
        }
    }
}
