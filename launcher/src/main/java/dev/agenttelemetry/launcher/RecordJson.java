package dev.agenttelemetry.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/** One of our Avro records as one JSON object: the schema's field names, ISO-8601 times, enum symbols, nulls kept. */
public final class RecordJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordJson() {
    }

    public static ObjectNode toNode(GenericRecord record) {
        ObjectNode node = JSON.createObjectNode();
        for (Schema.Field field : record.getSchema().getFields()) {
            node.set(field.name(), value(record.get(field.pos())));
        }
        return node;
    }

    public static String toJson(GenericRecord record) {
        return toNode(record).toString();
    }

    private static JsonNode value(Object value) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (value == null) {
            return nodes.nullNode();
        } else if (value instanceof GenericRecord record) {
            return toNode(record);
        } else if (value instanceof Map<?, ?> map) {
            ObjectNode object = nodes.objectNode();
            new TreeMap<>(map).forEach((key, item) -> object.set(key.toString(), value(item)));
            return object;
        } else if (value instanceof Collection<?> items) {
            ArrayNode array = nodes.arrayNode();
            items.forEach(item -> array.add(value(item)));
            return array;
        } else if (value instanceof Integer i) {
            return nodes.numberNode(i);
        } else if (value instanceof Long l) {
            return nodes.numberNode(l);
        } else if (value instanceof Double d) {
            return nodes.numberNode(d);
        } else if (value instanceof Boolean b) {
            return nodes.booleanNode(b);
        } else if (value instanceof Instant instant) {
            return nodes.textNode(instant.toString());
        }
        return nodes.textNode(value.toString()); // strings, enum symbols
    }
}
