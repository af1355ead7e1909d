package dev.agenttelemetry.enricher.content;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.agenttelemetry.avro.ContentDetails;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Takes file contents out of Write, Edit, MultiEdit, NotebookEdit and Read payloads: each content string
 * becomes {@code [content: N bytes, M lines, sha256 …]}, and the event gets digest, size and the lines
 * added and removed. Events stay small (Write responses carry whole files) and no file body is stored.
 */
public final class ContentDigest {
    private static final Set<String> CONTENT_TOOLS = Set.of("Write", "Edit", "MultiEdit", "NotebookEdit", "Read");
    private static final Set<String> CONTENT_FIELDS = Set.of("content", "old_string", "new_string", "oldString", "newString",
            "originalFile", "new_source", "old_source", "originalContent");

    private ContentDigest() {
    }

    /** Strips contents from {@code payload} in place and returns what they were, for content tools. */
    public static Optional<ContentDetails> strip(String toolName, ObjectNode payload) {
        if (toolName == null || !CONTENT_TOOLS.contains(toolName)) {
            return Optional.empty();
        }
        JsonNode input = payload.path("tool_input");
        String written = text(input, "content", "new_string", "new_source");
        int added = 0;
        int removed = 0;
        if (toolName.equals("Write")) {
            added = lines(written);
        } else if (toolName.equals("MultiEdit") && input.path("edits").isArray()) {
            StringBuilder newText = new StringBuilder();
            for (JsonNode edit : input.path("edits")) {
                int[] diff = changedLines(edit.path("old_string").asText(""), edit.path("new_string").asText(""));
                removed += diff[0];
                added += diff[1];
                newText.append(edit.path("new_string").asText(""));
            }
            written = newText.toString();
        } else if (input.has("old_string") || input.has("new_string")) {
            int[] diff = changedLines(input.path("old_string").asText(""), input.path("new_string").asText(""));
            removed = diff[0];
            added = diff[1];
        }
        int[] patch = structuredPatch(payload.path("tool_response").path("structuredPatch"));
        if (patch != null) {
            removed = patch[0];
            added = patch[1];
        }
        if (written == null && toolName.equals("Read")) {
            written = text(payload.path("tool_response").path("file"), "content");
        }
        replaceContents(payload);
        if (written == null) {
            return Optional.empty();
        }
        return Optional.of(ContentDetails.newBuilder().setSha256(sha256(written)).setBytes(written.getBytes(StandardCharsets.UTF_8).length)
                .setLines(lines(written)).setLinesAdded(added).setLinesRemoved(removed).build());
    }

    /** Lines removed and added going from {@code before} to {@code after}, not counting a common head and tail. */
    static int[] changedLines(String before, String after) {
        String[] a = before.isEmpty() ? new String[0] : before.split("\n", -1);
        String[] b = after.isEmpty() ? new String[0] : after.split("\n", -1);
        int head = 0;
        while (head < a.length && head < b.length && a[head].equals(b[head])) {
            head++;
        }
        int tail = 0;
        while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail].equals(b[b.length - 1 - tail])) {
            tail++;
        }
        return new int[]{a.length - head - tail, b.length - head - tail};
    }

    private static int[] structuredPatch(JsonNode hunks) {
        if (!hunks.isArray() || hunks.isEmpty()) {
            return null;
        }
        int removed = 0;
        int added = 0;
        for (JsonNode hunk : hunks) {
            for (JsonNode line : hunk.path("lines")) {
                String text = line.asText();
                removed += text.startsWith("-") ? 1 : 0;
                added += text.startsWith("+") ? 1 : 0;
            }
        }
        return new int[]{removed, added};
    }

    private static void replaceContents(JsonNode node) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (CONTENT_FIELDS.contains(field.getKey()) && field.getValue().isTextual()) {
                    field.setValue(TextNode.valueOf(describe(field.getValue().asText())));
                } else if (field.getKey().equals("lines") && field.getValue().isArray()) {
                    field.setValue(TextNode.valueOf("[" + field.getValue().size() + " patch lines]"));
                } else {
                    replaceContents(field.getValue());
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(ContentDigest::replaceContents);
        }
    }

    private static String describe(String content) {
        return "[content: " + content.getBytes(StandardCharsets.UTF_8).length + " bytes, " + lines(content) + " lines, sha256 "
                + sha256(content) + "]";
    }

    static int lines(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        int lines = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n' && i < text.length() - 1) {
                lines++;
            }
        }
        return lines;
    }

    private static String text(JsonNode node, String... fields) {
        for (String field : fields) {
            JsonNode value = node.get(field);
            if (value != null && value.isTextual()) {
                return value.asText();
            }
        }
        return null;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
