package dev.agenttelemetry.enricher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.ContentDetails;
import dev.agenttelemetry.avro.PromptDetails;
import dev.agenttelemetry.enricher.content.ContentDigest;
import dev.agenttelemetry.enricher.prompt.PromptDetailsReader;
import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.avro.PathClass;
import dev.agenttelemetry.avro.PathRef;
import dev.agenttelemetry.enricher.context.PathContext;
import dev.agenttelemetry.enricher.pairing.ToolCallPairer;
import dev.agenttelemetry.enricher.classify.EventClassifier;
import dev.agenttelemetry.enricher.masking.Masker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** Turns one raw hook envelope into a masked, classified {@link AgentEvent}. Pure: no I/O, no state. */
public final class HookEventEnricher {
    /** Characters outside the BMP (emoji) are written as such, as Jackson's string writer does, not as escaped surrogates. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

    private final Masker masker;
    private final int promptPreviewChars;
    private final PathContext pathContext;
    /** Told the kind of every value masked (the enricher app counts them). */
    private final Consumer<Masker.Replaced> onMasked;

    public HookEventEnricher(Masker masker, int promptPreviewChars, PathContext pathContext) {
        this(masker, promptPreviewChars, pathContext, replaced -> { });
    }

    public HookEventEnricher(Masker masker, int promptPreviewChars, PathContext pathContext, Consumer<Masker.Replaced> onMasked) {
        this.masker = masker;
        this.promptPreviewChars = promptPreviewChars;
        this.pathContext = pathContext;
        this.onMasked = onMasked;
    }

    /** Without workspace roots: each project's parent folder is its workspace. */
    public HookEventEnricher(Masker masker, int promptPreviewChars) {
        this(masker, promptPreviewChars, new PathContext(List.of()));
    }

    /**
     * An event and what pairing its tool call needs from the payload, read while the payload is parsed anyway, so
     * the enricher parses each payload once.
     *
     * @param toolInputHash for a tool call without a tool use id: a hash of its masked input, else null
     * @param error         for a PostToolUseFailure: the error it reports, masked, else null
     */
    public record Enriched(AgentEvent event, String toolInputHash, String error) {
    }

    public AgentEvent enrich(HookEnvelope envelope) {
        return enrichForPairing(envelope).event();
    }

    public Enriched enrichForPairing(HookEnvelope envelope) {
        ObjectNode parsed = parse(envelope.getPayload());
        ObjectNode payload = parsed != null ? parsed : JSON.createObjectNode();
        MaskCounter counter = new MaskCounter(ownIds(payload, envelope.getSessionId()));
        // What path context needs is read before masking rewrites the tree in place (it classifies the real paths);
        // the fields shown on the event are read from the masked tree afterwards, so no string is masked twice.
        String toolName = text(payload, "tool_name");
        String toolUseId = text(payload, "tool_use_id");
        JsonNode rawInput = payload.path("tool_input");
        String subagentType = text(rawInput, "subagent_type");
        String projectRoot = pathContext.projectRoot(envelope.getCwd(), envelope.getGitRoot());
        List<PathContext.Touched> touched = pathContext.touched(projectRoot, envelope.getCwd(),
                Arrays.asList(text(rawInput, "file_path"), text(rawInput, "notebook_path"), text(rawInput, "path")), text(rawInput, "command"));
        String maskedPayload;
        ContentDetails content = null;
        PromptDetails prompt = null;
        if (parsed == null) {
            // Not JSON (a producer other than our collector): keep it only as masked text.
            maskedPayload = JSON.createObjectNode().put("unparsed", counter.mask(envelope.getPayload())).toString();
        } else {
            content = ContentDigest.strip(toolName, payload).orElse(null);
            if (payload.path("prompt").isTextual()) {
                prompt = PromptDetailsReader.read(payload.path("prompt").asText(), masker, promptPreviewChars);
                payload.put("prompt", prompt.getPreview()); // only the masked preview is kept
            }
            maskTree(payload, counter);
            if (counter.carries()) {
                carryTree(payload, counter);
            }
            maskedPayload = write(payload);
        }
        JsonNode input = payload.path("tool_input");
        List<PathRef> paths = new ArrayList<>();
        boolean outside = false;
        for (PathContext.Touched path : touched) {
            paths.add(new PathRef(counter.maskDerived(path.path()), path.pathClass()));
            outside |= path.pathClass() != PathClass.inside_project;
        }
        AgentEvent event = AgentEvent.newBuilder()
                .setEventId(envelope.getEventId())
                .setReceivedAt(envelope.getReceivedAt())
                .setSource(envelope.getSource())
                .setSessionId(envelope.getSessionId())
                .setHookEventName(envelope.getHookEventName())
                .setEventType(EventClassifier.classify(envelope.getHookEventName(), toolName))
                .setToolName(toolName)
                .setToolUseId(toolUseId)
                .setCwd(counter.maskDerived(envelope.getCwd()))
                .setProjectRoot(counter.maskDerived(projectRoot))
                .setProjectName(projectRoot == null ? null : lastElement(projectRoot))
                .setPaths(paths)
                .setOutsideProjectScope(outside)
                .setCommand(text(input, "command"))
                .setFilePath(firstText(input, "file_path", "notebook_path", "path"))
                .setDescription(text(input, "description"))
                .setPattern(text(input, "pattern"))
                .setUrl(text(input, "url"))
                .setQuery(text(input, "query"))
                .setSubagentType(subagentType)
                .setMcpServer(mcpPart(toolName, 0))
                .setMcpTool(mcpPart(toolName, 1))
                .setPayload(maskedPayload)
                .setContent(content)
                .setPrompt(prompt)
                .setMaskedValues(counter.total)
                .setUserId(userId(envelope.getOsUser(), envelope.getHost()))
                .build();
        return new Enriched(event, toolUseId == null ? ToolCallPairer.inputHash(input) : null,
                "PostToolUseFailure".equals(envelope.getHookEventName()) ? ToolCallPairer.errorOf(payload) : null);
    }

    /** A stable pseudonym: per-user baselines need an identity, the audit trail does not need the name. */
    static String userId(String osUser, String host) {
        if (osUser == null && host == null) {
            return null;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(((osUser == null ? "" : osUser) + "@" + (host == null ? "" : host)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * The event's own ids: its session, tool use, agent, prompt and request ids (top-level fields named {@code *_id}
     * or {@code *Id}). They are left unmasked wherever they appear in the payload: the audit trail joins on them.
     */
    public static Set<String> ownIds(JsonNode payload, String sessionId) {
        Set<String> ids = new HashSet<>();
        if (sessionId != null && !sessionId.isEmpty()) {
            ids.add(sessionId);
        }
        payload.fields().forEachRemaining(field -> {
            String name = field.getKey();
            if ((name.endsWith("_id") || name.endsWith("Id")) && field.getValue().isTextual() && !field.getValue().asText().isEmpty()) {
                ids.add(field.getValue().asText());
            }
        });
        return ids;
    }

    private final class MaskCounter {
        /** Shorter masked values are left to the rules: replacing them everywhere would hit ordinary text. */
        private static final int MIN_CARRIED_LENGTH = 8;
        final Set<String> keep;
        int total;
        /** Each value masked in the payload, with what replaced it: replaced too wherever a field derived from the raw payload repeats it. */
        private final Map<String, String> masked = new HashMap<>();
        private final Consumer<Masker.Replaced> onReplaced = replaced -> {
            onMasked.accept(replaced);
            // Home folders and e-mail addresses are found wherever they are; a secret found by its key is not.
            if (replaced.original().length() >= MIN_CARRIED_LENGTH && replaced.replacement().startsWith("[MASKED:")
                    && !replaced.kind().equals("email")) {
                masked.putIfAbsent(replaced.original(), replaced.replacement());
            }
        };

        MaskCounter(Set<String> keep) {
            this.keep = keep;
        }

        /** Whether some value was masked that other places may repeat without the context that found it. */
        boolean carries() {
            return !masked.isEmpty();
        }

        /**
         * The text with every value masked elsewhere in the payload masked here too: a secret found by its key name
         * ({@code "auth_token": "..."}) is masked where the same string repeats bare (a file name, a later argument).
         */
        String carry(String text) {
            if (text == null || masked.isEmpty()) {
                return text;
            }
            String carried = text;
            for (Map.Entry<String, String> value : masked.entrySet()) {
                int at = carried.indexOf(value.getKey());
                while (at >= 0) {
                    carried = carried.substring(0, at) + value.getValue() + carried.substring(at + value.getKey().length());
                    total++;
                    at = carried.indexOf(value.getKey(), at + value.getValue().length());
                }
            }
            return carried;
        }

        /** A field read from the raw payload before it was masked (the paths a command touches, the working folder). */
        String maskDerived(String text) {
            return mask(carry(text));
        }

        boolean isSensitiveField(String name) {
            return masker.isSensitiveField(name);
        }

        String mask(String text) {
            if (text == null) {
                return null;
            }
            Masker.Result result = masker.mask(text, keep, onReplaced);
            total += result.masked();
            return result.text();
        }
    }

    /** Carries the payload's masked values into every string of the tree that still repeats one ({@link MaskCounter#carry}). */
    private static void carryTree(JsonNode node, MaskCounter counter) {
        if (node instanceof ObjectNode object) {
            object.fields().forEachRemaining(field -> {
                if (field.getValue().isTextual()) {
                    field.setValue(TextNode.valueOf(counter.carry(field.getValue().asText())));
                } else {
                    carryTree(field.getValue(), counter);
                }
            });
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, TextNode.valueOf(counter.carry(array.get(i).asText())));
                } else {
                    carryTree(array.get(i), counter);
                }
            }
        }
    }

    /**
     * Masks every string in the tree, keys included, in place, one decoded string at a time (in the JSON text an
     * escape such as {@code \\n} would glue itself to the next token, {@code \\nAKIA...}, and hide it from
     * rules that need a word boundary), and returns it. Fields named as sensitive are masked whole.
     */
    private static JsonNode maskTree(JsonNode node, MaskCounter counter) {
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode value = object.get(name);
                String maskedName = counter.mask(name);
                if (counter.isSensitiveField(name) && !value.isNull()) {
                    value = TextNode.valueOf("[MASKED:field]");
                    counter.total++;
                } else if (value.isTextual()) {
                    value = TextNode.valueOf(counter.mask(value.asText()));
                } else {
                    maskTree(value, counter);
                }
                if (!maskedName.equals(name)) {
                    object.remove(name);
                }
                object.set(maskedName, value);
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, TextNode.valueOf(counter.mask(array.get(i).asText())));
                } else {
                    maskTree(array.get(i), counter);
                }
            }
        }
        return node;
    }

    /**
     * Parsed from UTF-8 bytes rather than from the string: Jackson's byte parser is a third faster, which pays
     * for the copy (for ASCII text, a plain array copy). Avro's strings are decoded UTF-8, so nothing is lost.
     */
    private static ObjectNode parse(String payload) {
        try {
            JsonNode node = JSON.readTree(payload.getBytes(StandardCharsets.UTF_8));
            return node instanceof ObjectNode object ? object : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Written as UTF-8 bytes, then decoded, for the same reason: a quarter faster than Jackson's string writer. */
    private static String write(JsonNode tree) {
        try {
            return new String(JSON.writeValueAsBytes(tree), StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String field : fields) {
            String value = text(node, field);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** mcp__github__create_issue: part 0 is the server (github), part 1 the tool (create_issue). */
    private static String mcpPart(String toolName, int part) {
        if (toolName == null || !toolName.startsWith("mcp__")) {
            return null;
        }
        String rest = toolName.substring("mcp__".length());
        int split = rest.indexOf("__");
        if (split < 0) {
            return part == 0 ? rest : null;
        }
        return part == 0 ? rest.substring(0, split) : rest.substring(split + 2);
    }

    private static String lastElement(String path) {
        int end = path.length();
        while (end > 0 && path.charAt(end - 1) == '/') {
            end--;
        }
        String trimmed = path.substring(0, end);
        int slash = trimmed.lastIndexOf('/');
        return slash >= 0 && slash < trimmed.length() - 1 ? trimmed.substring(slash + 1) : trimmed;
    }
}
