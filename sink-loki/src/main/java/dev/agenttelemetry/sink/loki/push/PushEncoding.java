package dev.agenttelemetry.sink.loki.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import org.xerial.snappy.Snappy;

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
        // logproto field numbers: PushRequest.streams = 1; StreamAdapter.labels = 1, .entries = 2;
        // EntryAdapter.timestamp = 1, .line = 2, .structuredMetadata = 3; Timestamp.seconds = 1, .nanos = 2;
        // LabelPairAdapter.name = 1, .value = 2. Sizes are computed first, so the request is written in one pass
        // into one array (no buffer per entry: the sink pushes thousands of entries a second).
        @Override
        byte[] encode(SortedMap<String, String> labels, List<LokiEntry> entries) {
            String streamLabels = prometheusLabels(labels);
            int[] entrySizes = new int[entries.size()];
            int streamSize = CodedOutputStream.computeStringSize(1, streamLabels);
            for (int i = 0; i < entrySizes.length; i++) {
                entrySizes[i] = entrySize(entries.get(i));
                streamSize += delimitedSize(2, entrySizes[i]);
            }
            byte[] request = new byte[delimitedSize(1, streamSize)];
            CodedOutputStream out = CodedOutputStream.newInstance(request);
            try {
                writeLengthPrefix(out, 1, streamSize);
                out.writeString(1, streamLabels);
                for (int i = 0; i < entrySizes.length; i++) {
                    LokiEntry entry = entries.get(i);
                    writeLengthPrefix(out, 2, entrySizes[i]);
                    writeLengthPrefix(out, 1, timestampSize(entry));
                    out.writeInt64(1, seconds(entry));
                    out.writeInt32(2, nanos(entry));
                    out.writeString(2, entry.line());
                    for (Map.Entry<String, String> pair : entry.metadata().entrySet()) {
                        writeLengthPrefix(out, 3, pairSize(pair));
                        out.writeString(1, pair.getKey());
                        out.writeString(2, pair.getValue());
                    }
                }
                out.checkNoSpaceLeft();
                return Snappy.compress(request);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static int entrySize(LokiEntry entry) {
            int size = delimitedSize(1, timestampSize(entry)) + CodedOutputStream.computeStringSize(2, entry.line());
            for (Map.Entry<String, String> pair : entry.metadata().entrySet()) {
                size += delimitedSize(3, pairSize(pair));
            }
            return size;
        }

        private static int pairSize(Map.Entry<String, String> pair) {
            return CodedOutputStream.computeStringSize(1, pair.getKey()) + CodedOutputStream.computeStringSize(2, pair.getValue());
        }

        private static int timestampSize(LokiEntry entry) {
            return CodedOutputStream.computeInt64Size(1, seconds(entry)) + CodedOutputStream.computeInt32Size(2, nanos(entry));
        }

        private static long seconds(LokiEntry entry) {
            return Math.floorDiv(entry.timestampNanos(), 1_000_000_000L);
        }

        private static int nanos(LokiEntry entry) {
            return (int) Math.floorMod(entry.timestampNanos(), 1_000_000_000L);
        }

        /** Bytes of a length-delimited field (tag, length, then a message of {@code size} bytes). */
        private static int delimitedSize(int field, int size) {
            return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
        }

        private static void writeLengthPrefix(CodedOutputStream out, int field, int size) throws IOException {
            out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(size);
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
