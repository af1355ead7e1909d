package dev.agenttelemetry.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client for the Confluent Schema Registry REST API (and any registry that speaks it, such as
 * our embedded one). Registered ids and fetched schemas are cached for the life of the client:
 * an id never changes its schema, and registering the same schema again returns the same id.
 */
public final class SchemaRegistryClient implements SchemaRegistry {
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUrl;
    private final HttpClient http;
    private final Optional<String> authorization;
    private final Duration timeout;
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    /**
     * @param baseUrl  the registry's URL, e.g. http://127.0.0.1:8081
     * @param userInfo optional {@code user:password} for HTTP basic auth (Confluent's {@code basic.auth.user.info})
     */
    public SchemaRegistryClient(String baseUrl, Optional<String> userInfo) {
        String trimmed = Objects.requireNonNull(baseUrl, "baseUrl").replaceAll("/+$", "");
        this.baseUrl = URI.create(trimmed);
        if (this.baseUrl.getScheme() == null || !this.baseUrl.getScheme().startsWith("http")) {
            throw new IllegalArgumentException("schema registry URL must start with http:// or https://, got '" + baseUrl + "'");
        }
        this.authorization = userInfo.map(u -> "Basic " + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)));
        this.timeout = Duration.ofSeconds(10);
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public SchemaRegistryClient(String baseUrl) {
        this(baseUrl, Optional.empty());
    }

    public URI baseUrl() {
        return baseUrl;
    }

    @Override
    public int register(String subject, Schema schema) {
        Map<Schema, Integer> ids = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer cached = ids.get(schema);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        int id = answer.path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaRegistryException(200, 0, "registry answer to register has no id: " + answer);
        }
        ids.put(schema, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("GET", "/schemas/ids/" + id, null);
        Schema schema = parse(answer.path("schema").asText());
        schemasById.putIfAbsent(id, schema);
        return schema;
    }

    /** The newest version of {@code subject}. */
    public RegisteredSchema latest(String subject) {
        return version(subject, "latest");
    }

    /** Version {@code version} (a number or {@code latest}) of {@code subject}. */
    public RegisteredSchema version(String subject, String version) {
        JsonNode answer = send("GET", "/subjects/" + encode(subject) + "/versions/" + encode(version), null);
        return new RegisteredSchema(answer.path("subject").asText(subject), answer.path("version").asInt(),
                answer.path("id").asInt(), parse(answer.path("schema").asText()));
    }

    /** Whether {@code schema} may be registered as the next version of {@code subject} under its compatibility level. */
    public boolean isCompatible(String subject, Schema schema) {
        JsonNode answer = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest", schemaBody(schema));
        return answer.path("is_compatible").asBoolean(false);
    }

    private static ObjectNode schemaBody(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString());
        return body;
    }

    private static Schema parse(String text) {
        return new Schema.Parser().parse(text);
    }

    private static String encode(String pathElement) {
        return URLEncoder.encode(pathElement, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode send(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve(baseUrl.getPath() + path))
                .timeout(timeout)
                .header("Accept", CONTENT_TYPE + ", application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        authorization.ifPresent(a -> request.header("Authorization", a));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SchemaRegistryException("schema registry at " + baseUrl + " is unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while calling the schema registry at " + baseUrl, e);
        }
        JsonNode answer = readJson(response.body());
        if (response.statusCode() / 100 != 2) {
            throw new SchemaRegistryException(response.statusCode(), answer.path("error_code").asInt(0),
                    "schema registry answered " + method + " " + path + " with " + response.statusCode() + ": "
                            + answer.path("message").asText(response.body()));
        }
        return answer;
    }

    private static JsonNode readJson(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode().put("message", "(not JSON) " + body.substring(0, Math.min(200, body.length())));
        }
    }
}
