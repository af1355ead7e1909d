package dev.agenttelemetry.registry.server;

import dev.agenttelemetry.schemas.registry.RegisteredSchema;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.schemas.registry.SchemaRegistryException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.testkit.TestKafka;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedSchemaRegistryIT {
    private static final Schema V1 = SchemaBuilder.record("Thing").namespace("test").fields()
            .requiredString("name").endRecord();
    private static final Schema V2_WITH_DEFAULT = SchemaBuilder.record("Thing").namespace("test").fields()
            .requiredString("name").name("size").type().intType().intDefault(0).endRecord();
    private static final Schema V2_REQUIRED = SchemaBuilder.record("Thing").namespace("test").fields()
            .requiredString("name").requiredInt("size").endRecord();

    private final String topic = "_schemas-" + System.nanoTime();

    @Test
    void registersLooksUpChecksCompatibilityAndKeepsIdsAcrossRestarts() throws Exception {
        int v1Id;
        int v2Id;
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(TestKafka.bootstrapServers()), topic)) {
            SchemaRegistryClient client = new SchemaRegistryClient(registry.url());
            v1Id = client.register("things-value", V1);
            assertThat(new SchemaRegistryClient(registry.url()).register("things-value", V1))
                    .as("registering the same schema again returns the same id").isEqualTo(v1Id);
            assertThat(new SchemaRegistryClient(registry.url()).schemaById(v1Id)).isEqualTo(V1);

            assertThat(client.isCompatible("things-value", V2_REQUIRED)).as("new required field without default").isFalse();
            assertThat(client.isCompatible("things-value", V2_WITH_DEFAULT)).isTrue();
            assertThatThrownBy(() -> client.register("things-value", V2_REQUIRED))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                        assertThat(e.status()).isEqualTo(409);
                        assertThat(e.getMessage()).contains("READER_FIELD_MISSING_DEFAULT_VALUE");
                    });
            v2Id = client.register("things-value", V2_WITH_DEFAULT);
            assertThat(v2Id).isNotEqualTo(v1Id);
            RegisteredSchema latest = client.latest("things-value");
            assertThat(latest.version()).isEqualTo(2);
            assertThat(latest.id()).isEqualTo(v2Id);
            assertThat(client.register("other-value", V1)).as("same schema in another subject keeps its id").isEqualTo(v1Id);

            assertThatThrownBy(() -> client.latest("missing-value"))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
            assertThatThrownBy(() -> client.schemaById(9999))
                    .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
        }
        try (EmbeddedSchemaRegistry restarted = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(TestKafka.bootstrapServers()), topic)) {
            SchemaRegistryClient client = new SchemaRegistryClient(restarted.url());
            assertThat(client.schemaById(v1Id)).isEqualTo(V1);
            assertThat(client.latest("things-value").id()).isEqualTo(v2Id);
            assertThat(client.register("new-value", HookEnvelope.getClassSchema())).isGreaterThan(v2Id);
        }
    }

    @Test
    void servesTheRestApiShapesConfluentClientsExpect() throws Exception {
        ObjectMapper json = new ObjectMapper();
        HttpClient http = HttpClient.newHttpClient();
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(TestKafka.bootstrapServers()), topic)) {
            String body = json.createObjectNode().put("schema", V1.toString()).toString();
            HttpResponse<String> registered = http.send(post(registry.url() + "/subjects/a-value/versions", body), HttpResponse.BodyHandlers.ofString());
            assertThat(registered.statusCode()).isEqualTo(200);
            JsonNode record = json.readTree(registered.body());
            assertThat(record.fieldNames()).toIterable().contains("id", "version", "guid", "schemaType", "schema");

            JsonNode config = json.readTree(http.send(get(registry.url() + "/config"), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(config.path("compatibilityLevel").asText()).isEqualTo("BACKWARD");

            HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/config/a-value"))
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"NONE\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(json.readTree(put.body()).path("compatibility").asText()).isEqualTo("NONE");
            assertThat(new SchemaRegistryClient(registry.url()).register("a-value", V2_REQUIRED))
                    .as("NONE on the subject allows any change").isPositive();

            HttpResponse<String> badLevel = http.send(HttpRequest.newBuilder(URI.create(registry.url() + "/config"))
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"SIDEWAYS\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(badLevel.statusCode()).isEqualTo(422);
            assertThat(json.readTree(badLevel.body()).path("message").asText()).contains("SIDEWAYS", "BACKWARD");

            HttpResponse<String> invalid = http.send(post(registry.url() + "/subjects/a-value/versions", "{\"schema\":\"{not avro\"}"), HttpResponse.BodyHandlers.ofString());
            assertThat(invalid.statusCode()).isEqualTo(422);
            assertThat(json.readTree(invalid.body()).path("error_code").asInt()).isEqualTo(42201);

            HttpResponse<String> notJson = http.send(post(registry.url() + "/subjects/a-value/versions", "{"), HttpResponse.BodyHandlers.ofString());
            assertThat(notJson.statusCode()).isEqualTo(400);

            HttpResponse<String> raw = http.send(get(registry.url() + "/subjects/a-value/versions/1/schema"), HttpResponse.BodyHandlers.ofString());
            assertThat(new Schema.Parser().parse(raw.body())).isEqualTo(V1);
            assertThat(json.readTree(http.send(get(registry.url() + "/subjects"), HttpResponse.BodyHandlers.ofString()).body()))
                    .extracting(JsonNode::toString).asString().contains("a-value");
        }
    }

    private static HttpRequest post(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).GET().build();
    }
}
