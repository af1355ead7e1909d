package dev.agenttelemetry.enricher;

import dev.agenttelemetry.config.ConfigException;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.config.StreamsDefaults;
import dev.agenttelemetry.enricher.context.PathContext;
import dev.agenttelemetry.enricher.errors.MaskingDeadLetterHandler;
import dev.agenttelemetry.enricher.masking.Masker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The enricher's settings.
 *
 * @param applicationId    Kafka Streams application id ({@code enricher.application.id}); also the consumer group
 * @param kafka            the broker, and the {@code enricher} principal's credentials when Kafka is secured
 * @param stateDir         where Kafka Streams keeps local state
 * @param chainTtl         how long a quiet session's chain state is kept ({@code enricher.chain.ttl.ms})
 * @param promptPreviewChars how much of a prompt is kept, masked ({@code enricher.prompt.preview.chars})
 * @param pairingGap       how long a PreToolUse waits for its result before it ends as no_result ({@code enricher.pairing.gap.ms})
 * @param workspaceRoots   folders whose subfolders are projects ({@code enricher.workspace.roots}, comma-separated)
 * @param dlqTopic         where undecodable raw records go, masked
 * @param masking          masking rules switched off ({@code enricher.masking.disabled}), added
 *                         ({@code enricher.masking.pattern.<kind>=<regex>}) and fields masked whole ({@code enricher.masking.fields})
 * @param streamsOverrides further Kafka Streams properties ({@code enricher.streams.*})
 */
public record EnricherConfig(String applicationId, KafkaAccess kafka, Path stateDir, Duration chainTtl, Duration pairingGap, int promptPreviewChars,
                             List<String> workspaceRoots, String dlqTopic, Masker.Settings masking, Map<String, String> streamsOverrides) {
    /** Whose Kafka credentials the enricher uses ({@code enricher.kafka.username}, {@code enricher.kafka.password}). */
    public static final String PRINCIPAL = "enricher";
    public static final String APPLICATION_ID = "enricher.application.id";
    public static final String DEFAULT_APPLICATION_ID = "agent-telemetry-enricher";
    public static final String WORKSPACE_ROOTS = "enricher.workspace.roots";

    public static EnricherConfig from(ConfigReader config, String bootstrapServers, Path stateDir, String dlqTopic) {
        return new EnricherConfig(config.string(APPLICATION_ID, DEFAULT_APPLICATION_ID),
                KafkaAccess.of(config, bootstrapServers, PRINCIPAL), stateDir, config.millis("enricher.chain.ttl.ms", Duration.ofDays(30), Duration.ofMinutes(1)),
                config.millis("enricher.pairing.gap.ms", Duration.ofMinutes(10), Duration.ofSeconds(1)),
                config.integer("enricher.prompt.preview.chars", 200, 0, 100_000),
                workspaceRoots(config),
                dlqTopic,
                masking(config),
                config.withPrefix("enricher.streams."));
    }

    private static List<String> workspaceRoots(ConfigReader config) {
        List<String> roots = list(config.string(WORKSPACE_ROOTS, ""));
        for (String root : roots) {
            String problem = PathContext.invalidWorkspaceRoot(root);
            if (problem != null) {
                throw new ConfigException(WORKSPACE_ROOTS, "invalid workspace root in '" + WORKSPACE_ROOTS + "': " + problem);
            }
        }
        return roots;
    }

    /** Turns raw hooks into events with these settings. */
    public HookEventEnricher eventEnricher(Masker masker) {
        return new HookEventEnricher(masker, promptPreviewChars, new PathContext(workspaceRoots), replaced -> EnricherMeters.masked(replaced.kind()));
    }

    private static Masker.Settings masking(ConfigReader config) {
        Map<String, String> custom = config.withPrefix("enricher.masking.pattern.");
        custom.forEach((kind, regex) -> {
            try {
                java.util.regex.Pattern.compile(regex);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new ConfigException("enricher.masking.pattern." + kind,
                        "invalid regular expression for 'enricher.masking.pattern." + kind + "': " + e.getDescription());
            }
        });
        Set<String> fields = new java.util.HashSet<>(Masker.Settings.defaults().fieldNames());
        fields.addAll(list(config.string("enricher.masking.fields", "")));
        return new Masker.Settings(Set.copyOf(list(config.string("enricher.masking.disabled", ""))), custom, fields);
    }

    private static List<String> list(String commaSeparated) {
        return java.util.Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public Map<String, Object> streamsProperties() {
        Map<String, Object> props = StreamsDefaults.properties(applicationId, kafka, stateDir, Map.of());
        props.put("deserialization.exception.handler", MaskingDeadLetterHandler.class.getName());
        props.put(MaskingDeadLetterHandler.DLQ_TOPIC_CONFIG, dlqTopic);
        props.putAll(streamsOverrides);
        return props;
    }
}
