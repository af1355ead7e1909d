package dev.agenttelemetry.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.topics.Replication;
import dev.agenttelemetry.schemas.registry.RegisteredSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A schema registry for single-machine use that serves the Confluent Schema Registry REST API for Avro
 * (subjects, versions, ids, {@code latest}, compatibility checks with BACKWARD by default, config) and
 * keeps its state in a compacted Kafka topic. Deleting subjects and schema types other than Avro are not
 * supported; point clients at a Confluent Schema Registry for those.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

    private final SchemaStore store;
    private final HttpServer server;
    private final ExecutorService executor;

    private EmbeddedSchemaRegistry(SchemaStore store, HttpServer server, ExecutorService executor) {
        this.store = store;
        this.server = server;
        this.executor = executor;
    }

    /** The principal whose Kafka credentials the embedded registry uses ({@code registry.kafka.username}, ...). */
    public static final String PRINCIPAL = "registry";

    /**
     * Replays the registry topic, then serves on {@code host:port} (port 0 picks a free one). The topic, when
     * missing, is created with {@code min(3, brokers)} replicas.
     */
    public static EmbeddedSchemaRegistry start(String host, int port, KafkaAccess kafka, String topic)
            throws IOException, InterruptedException {
        return start(host, port, kafka, topic, Replication.FOLLOW_CLUSTER);
    }

    /** As {@link #start(String, int, KafkaAccess, String)}, creating a missing topic with {@code replicationFactor} replicas. */
    public static EmbeddedSchemaRegistry start(String host, int port, KafkaAccess kafka, String topic, short replicationFactor)
            throws IOException, InterruptedException {
        SchemaStore store = new SchemaStore(kafka, topic, replicationFactor);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            store.close();
            throw new IOException("schema registry cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "schema-registry-http");
            t.setDaemon(true);
            return t;
        });
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(store, server, executor);
        server.createContext("/", registry::handle);
        server.setExecutor(executor);
        server.start();
        log.info("Schema registry listening on {} (state in topic {})", registry.url(), topic);
        return registry;
    }

    public String url() {
        InetSocketAddress address = server.getAddress();
        return "http://" + address.getHostString() + ":" + address.getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                String path = exchange.getRequestURI().getRawPath().replaceAll("/+$", "");
                List<String> parts = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty())
                        .map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8)).toList();
                Object answer = route(exchange.getRequestMethod(), parts, exchange);
                if (answer instanceof String raw) {
                    send(exchange, 200, raw);
                } else {
                    send(exchange, 200, JSON.writeValueAsString(answer));
                }
            } catch (RegistryError e) {
                send(exchange, e.status, JSON.createObjectNode().put("error_code", e.errorCode).put("message", e.getMessage()).toString());
            } catch (RuntimeException e) {
                log.warn("Schema registry request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
                send(exchange, 500, JSON.createObjectNode().put("error_code", 50001).put("message", "Error in the backend data store: " + e.getMessage()).toString());
            }
        }
    }

    private Object route(String method, List<String> p, HttpExchange exchange) throws IOException {
        int n = p.size();
        if (n == 0) {
            return JSON.createObjectNode();
        }
        switch (p.get(0)) {
            case "subjects" -> {
                if (n == 1 && method.equals("GET")) {
                    return store.subjects();
                }
                String subject = p.get(1);
                if (n == 2 && method.equals("POST")) {
                    String schema = schemaOf(body(exchange));
                    RegisteredSchema found = store.lookup(subject, schema)
                            .orElseThrow(() -> { store.versions(subject); return RegistryError.schemaNotFound("not found under subject '" + subject + "'"); });
                    return describe(found);
                }
                if (n == 3 && p.get(2).equals("versions") && method.equals("GET")) {
                    return store.versions(subject);
                }
                if (n == 3 && p.get(2).equals("versions") && method.equals("POST")) {
                    RegisteredSchema registered = store.register(subject, schemaOf(body(exchange)));
                    ObjectNode answer = JSON.createObjectNode().put("id", registered.id()).put("version", registered.version())
                            .put("guid", UUID.nameUUIDFromBytes(registered.schema().toString().getBytes(StandardCharsets.UTF_8)).toString())
                            .put("schemaType", "AVRO").put("schema", registered.schema().toString());
                    return answer;
                }
                if (n == 4 && p.get(2).equals("versions") && method.equals("GET")) {
                    return describe(store.version(subject, p.get(3)));
                }
                if (n == 5 && p.get(2).equals("versions") && p.get(4).equals("schema") && method.equals("GET")) {
                    return store.version(subject, p.get(3)).schema().toString();
                }
            }
            case "schemas" -> {
                if (n == 1 && method.equals("GET")) {
                    ArrayNode all = JSON.createArrayNode();
                    for (String subject : store.subjects()) {
                        for (int version : store.versions(subject)) {
                            all.add(describe(store.version(subject, Integer.toString(version))));
                        }
                    }
                    return all;
                }
                if (n == 2 && p.get(1).equals("types") && method.equals("GET")) {
                    return List.of("AVRO");
                }
                if (n >= 3 && p.get(1).equals("ids") && method.equals("GET")) {
                    int id = parseId(p.get(2));
                    String schema = store.schemaById(id).orElseThrow(() -> RegistryError.schemaNotFound(Integer.toString(id)));
                    if (n == 3) {
                        return JSON.createObjectNode().put("schema", schema);
                    }
                    if (n == 4 && p.get(3).equals("schema")) {
                        return schema;
                    }
                    if (n == 4 && p.get(3).equals("subjects")) {
                        return store.subjectVersionsOf(id).stream().map(e -> e.getKey()).distinct().toList();
                    }
                    if (n == 4 && p.get(3).equals("versions")) {
                        ArrayNode versions = JSON.createArrayNode();
                        store.subjectVersionsOf(id).forEach(e -> versions.addObject().put("subject", e.getKey()).put("version", e.getValue()));
                        return versions;
                    }
                }
            }
            case "compatibility" -> {
                if (n == 5 && p.get(1).equals("subjects") && p.get(3).equals("versions") && method.equals("POST")) {
                    String subject = p.get(2);
                    String schema = schemaOf(body(exchange));
                    List<String> problems = store.subjects().contains(subject) ? store.compatibilityProblems(subject, schema) : List.of();
                    ObjectNode answer = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
                    if (queryFlag(exchange, "verbose")) {
                        problems.forEach(answer.putArray("messages")::add);
                    }
                    return answer;
                }
            }
            case "config" -> {
                String subject = n == 2 ? p.get(1) : null;
                if (n <= 2 && method.equals("GET")) {
                    CompatibilityLevel level = store.level(subject, queryFlag(exchange, "defaultToGlobal"))
                            .orElseThrow(() -> new RegistryError(404, 40408, "Subject '" + subject + "' does not have subject-level compatibility configured"));
                    return JSON.createObjectNode().put("compatibilityLevel", level.name());
                }
                if (n <= 2 && method.equals("PUT")) {
                    JsonNode body = body(exchange);
                    CompatibilityLevel level;
                    try {
                        level = CompatibilityLevel.parse(body.path("compatibility").asText(null));
                    } catch (IllegalArgumentException e) {
                        throw RegistryError.invalidCompatibility(e.getMessage());
                    }
                    store.setLevel(subject, level);
                    return JSON.createObjectNode().put("compatibility", level.name());
                }
            }
            case "mode" -> {
                if (method.equals("GET")) {
                    return JSON.createObjectNode().put("mode", "READWRITE");
                }
            }
            default -> {
                // falls through to 404 below
            }
        }
        throw new RegistryError(404, 404, "HTTP 404 Not Found: " + method + " /" + String.join("/", p)
                + " is not part of the registry API served here");
    }

    private static ObjectNode describe(RegisteredSchema schema) {
        return JSON.createObjectNode().put("subject", schema.subject()).put("version", schema.version())
                .put("id", schema.id()).put("schema", schema.schema().toString());
    }

    private static String schemaOf(JsonNode body) {
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw RegistryError.invalidSchema("schemaType " + type + " is not supported by the embedded registry (only AVRO)");
        }
        JsonNode schema = body.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw RegistryError.invalidSchema("the request body needs a \"schema\" string");
        }
        return schema.asText();
    }

    private static JsonNode body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new RegistryError(413, 413, "request body larger than " + MAX_BODY_BYTES + " bytes");
            }
            try {
                JsonNode body = JSON.readTree(bytes);
                if (body == null || !body.isObject()) {
                    throw RegistryError.badRequest("the request body must be a JSON object");
                }
                return body;
            } catch (IOException e) {
                throw new RegistryError(400, 50005, "Unrecognized JSON in the request body at " + e.getMessage().lines().reduce((a, b) -> b).orElse(""));
            }
        }
    }

    private static int parseId(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw RegistryError.badRequest("schema id '" + text + "' is not a number");
        }
    }

    private static boolean queryFlag(HttpExchange exchange, String name) {
        String query = exchange.getRequestURI().getQuery();
        return query != null && Arrays.asList(query.split("&")).contains(name + "=true");
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        store.close();
    }
}
