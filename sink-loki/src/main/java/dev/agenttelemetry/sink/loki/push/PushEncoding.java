package dev.agenttelemetry.sink.loki.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedOutputStream;
import org.xerial.snappy.Snappy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * How a push request is written: Loki's own protobuf ({@code logproto.PushRequest}, snappy block-compressed,
 * what Promtail and Alloy send) or its JSON form. One request holds one stream, its entries in time order.
 */
public enum PushEncoding {
    PROTOBUF("application/x-protobuf") {
        @Override
        byte[] encode(SortedMap<String, String> labels, List<LokiEntry> entries) {
            try {
                ByteArrayOutputStream stream = new ByteArrayOutputStream();
                CodedOutputStream out = CodedOutputStream.newInstance(stream);
                out.writeString(1, prometheusLabels(labels)); // StreamAdapter.labels
                for (LokiEntry entry : entries) {
                    out.writeByteArray(2, entryBytes(entry)); // StreamAdapter.entries
                }
                out.flush();
                ByteArrayOutputStream request = new ByteArrayOutputStream(stream.size() + 8);
                CodedOutputStream requestOut = CodedOutputStream.newInstance(request);
                requestOut.writeByteArray(1, stream.toByteArray()); // PushRequest.streams
                requestOut.flush();
                return Snappy.compress(request.toByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private byte[] entryBytes(LokiEntry entry) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(entry.line().length() + 64);
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            ByteArrayOutputStream timestamp = new ByteArrayOutputStream(16);
            CodedOutputStream ts = CodedOutputStream.newInstance(timestamp);
            ts.writeInt64(1, Math.floorDiv(entry.timestampNanos(), 1_000_000_000L)); // google.protobuf.Timestamp.seconds
            ts.writeInt32(2, (int) Math.floorMod(entry.timestampNanos(), 1_000_000_000L)); // .nanos
            ts.flush();
            out.writeByteArray(1, timestamp.toByteArray()); // EntryAdapter.timestamp
            out.writeString(2, entry.line()); // EntryAdapter.line
            for (Map.Entry<String, String> pair : entry.metadata().entrySet()) {
                ByteArrayOutputStream label = new ByteArrayOutputStream();
                CodedOutputStream labelOut = CodedOutputStream.newInstance(label);
                labelOut.writeString(1, pair.getKey());
                labelOut.writeString(2, pair.getValue());
                labelOut.flush();
                out.writeByteArray(3, label.toByteArray()); // EntryAdapter.structuredMetadata
            }
            out.flush();
            return bytes.toByteArray();
        }
    },
    JSON("application/json") {
        private static final ObjectMapper MAPPER = new ObjectMapper();

        @Override
        byte[] encode(SortedMap<String, String> labels, List<LokiEntry> entries) {
            ObjectNode root = MAPPER.createObjectNode();
            ObjectNode stream = root.putArray("streams").addObject();
            ObjectNode labelNode = stream.putObject("stream");
            labels.forEach(labelNode::put);
            ArrayNode values = stream.putArray("values");
            for (LokiEntry entry : entries) {
                ArrayNode value = values.addArray().add(Long.toString(entry.timestampNanos())).add(entry.line());
                if (!entry.metadata().isEmpty()) {
                    ObjectNode metadata = value.addObject();
                    entry.metadata().forEach(metadata::put);
                }
            }
            return root.toString().getBytes(StandardCharsets.UTF_8);
        }
    };

    private final String contentType;

    PushEncoding(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }

    abstract byte[] encode(SortedMap<String, String> labels, List<LokiEntry> entries);

    /** {@code {kind="event", service="agent-telemetry"}}: the label set as Loki's protobuf carries it. */
    static String prometheusLabels(SortedMap<String, String> labels) {
        StringBuilder text = new StringBuilder("{");
        labels.forEach((name, value) -> {
            if (text.length() > 1) {
                text.append(", ");
            }
            text.append(name).append("=\"").append(value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
        });
        return text.append('}').toString();
    }
}
