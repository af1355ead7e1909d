package dev.agenttelemetry.registry.server;

import dev.agenttelemetry.schemas.serde.ConfluentAvroDeserializer;
import dev.agenttelemetry.schemas.serde.ConfluentAvroSerializer;
import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.testkit.TestKafka;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@SuppressWarnings("unchecked")
class ConfluentWireFormatIT {
    private static EmbeddedSchemaRegistry registry;
    private static SchemaRegistryClient client;

    @BeforeAll
    static void start() throws Exception {
        registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(TestKafka.bootstrapServers()), "_schemas-serde");
        client = new SchemaRegistryClient(registry.url());
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static HookEnvelope envelope() {
        return HookEnvelope.newBuilder().setEventId("0192f0e0-0000-7000-8000-000000000001")
                .setReceivedAt(Instant.parse("2026-11-23T10:00:00Z").truncatedTo(ChronoUnit.MILLIS))
                .setHookEventName("PreToolUse").setSessionId("s1").setCwd("/work/p")
                .setPayload("{\"tool_name\":\"Bash\"}").build();
    }

    @Test
    void writesMagicByteSchemaIdAndPlainAvroBinary() throws Exception {
        HookEnvelope value = envelope();
        byte[] framed = new ConfluentAvroSerializer<HookEnvelope>(client, false).serialize("raw", value);

        int id = client.latest("raw-value").id();
        assertThat(framed[0]).isEqualTo((byte) 0);
        assertThat(ByteBuffer.wrap(framed, 1, 4).getInt()).isEqualTo(id);

        // the same record written by Avro's plain GenericDatumWriter, byte for byte
        GenericRecord generic = new GenericData.Record(HookEnvelope.getClassSchema());
        for (Schema.Field field : HookEnvelope.getClassSchema().getFields()) {
            Object v = value.get(field.pos());
            generic.put(field.pos(), v instanceof Instant instant ? instant.toEpochMilli() : v);
        }
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(plain, null);
        new GenericDatumWriter<GenericRecord>(HookEnvelope.getClassSchema()).write(generic, encoder);
        encoder.flush();
        assertThat(Arrays.copyOfRange(framed, 5, framed.length)).isEqualTo(plain.toByteArray());

        assertThat(new ConfluentAvroDeserializer<>(client, HookEnvelope.class).deserialize("raw", framed)).isEqualTo(value);
    }

    @Test
    void recordsOfAnySizeInTurnOnOneThreadComeOutWhole() {
        var serializer = new ConfluentAvroSerializer<HookEnvelope>(client, false);
        var deserializer = new ConfluentAvroDeserializer<>(client, HookEnvelope.class);
        // The serializer reuses a buffer per thread: a small record after a 2 MB one must not carry its bytes.
        for (int size : new int[]{10, 2_000_000, 3, 70_000, 1}) {
            HookEnvelope value = HookEnvelope.newBuilder(envelope()).setPayload("x".repeat(size)).build();
            byte[] framed = serializer.serialize("raw", value);
            assertThat(deserializer.deserialize("raw", framed)).isEqualTo(value);
        }
    }

    @Test
    void readsRecordsWrittenWithAnOlderSchemaVersion() {
        Schema older = SchemaBuilder.record("HookEnvelope").namespace("dev.agenttelemetry.avro").fields()
                .requiredString("event_id")
                .name("received_at").type(Schema.create(Schema.Type.LONG)).noDefault()
                .requiredString("hook_event_name").requiredString("session_id").requiredString("payload")
                .endRecord();
        GenericRecord old = new GenericData.Record(older);
        old.put("event_id", "e1");
        old.put("received_at", 1_700_000_000_000L);
        old.put("hook_event_name", "Stop");
        old.put("session_id", "s9");
        old.put("payload", "{}");
        byte[] framed = new ConfluentAvroSerializer<GenericRecord>(client, false).serialize("evolving", old);

        HookEnvelope read = new ConfluentAvroDeserializer<>(client, HookEnvelope.class).deserialize("evolving", framed);
        assertThat(read.getSessionId()).isEqualTo("s9");
        assertThat(read.getSource()).as("default of a field the old writer lacked").isEqualTo("claude-code");
        assertThat(read.getCwd()).isNull();
    }

    /**
     * The schemas of the previous release (schemas/src/test/resources/previous) against this one: the registry
     * accepts the new versions as BACKWARD compatible, and records written with the old ones read with defaults.
     */
    @Test
    void readsRecordsOfThePreviousReleaseAndRegistersTheNewSchemasOverThem() throws Exception {
        dev.agenttelemetry.avro.AgentEvent current = dev.agenttelemetry.avro.AgentEvent.newBuilder().setEventId("e1")
                .setReceivedAt(java.time.Instant.ofEpochMilli(1_700_000_000_000L)).setSessionId("s1").setHookEventName("PreToolUse")
                .setEventType(dev.agenttelemetry.avro.EventType.command_execution).setToolName("Bash").setCommand("ls").setPayload("{}")
                .setHash("h").setUserId("u").build();
        dev.agenttelemetry.avro.SecurityAlert alert = dev.agenttelemetry.avro.SecurityAlert.newBuilder().setAlertId("a1").setRuleId("r")
                .setTitle("t").setSessionId("s1").setEvidence("ls").setFirstSeen(java.time.Instant.EPOCH).setLastSeen(java.time.Instant.EPOCH)
                .setCategory("c").build();
        dev.agenttelemetry.avro.SessionActivity activity = dev.agenttelemetry.avro.SessionActivity.newBuilder().setSessionId("s1")
                .setWindowStart(java.time.Instant.EPOCH).setWindowEnd(java.time.Instant.EPOCH).setLastEventAt(java.time.Instant.EPOCH)
                .setEventCount(3).setRiskScore(0.5).build();
        for (org.apache.avro.specific.SpecificRecord record : List.of(current, alert, activity)) {
            String name = record.getSchema().getName();
            Schema.Parser parser = new Schema.Parser();
            parser.addTypes(List.of(dev.agenttelemetry.avro.EventType.getClassSchema(), dev.agenttelemetry.avro.Severity.getClassSchema()));
            Schema previous = parser.parse(getClass().getResourceAsStream("/previous/" + name + ".avsc"));
            String topic = "previous-" + name;
            GenericRecord old = new GenericData.Record(previous);
            for (Schema.Field field : previous.getFields()) {
                Object value = record.get(record.getSchema().getField(field.name()).pos());
                old.put(field.name(), value instanceof java.time.Instant instant ? instant.toEpochMilli() : value);
            }
            byte[] framed = new ConfluentAvroSerializer<GenericRecord>(client, false).serialize(topic, old);
            // The current schema registers over the previous one under BACKWARD compatibility (the registry's default).
            client.register(topic + "-value", record.getSchema());
            org.apache.avro.specific.SpecificRecord read = new ConfluentAvroDeserializer<>(client,
                    (Class<org.apache.avro.specific.SpecificRecord>) record.getClass()).deserialize(topic, framed);
            for (Schema.Field field : previous.getFields()) {
                assertThat(String.valueOf(read.get(read.getSchema().getField(field.name()).pos())))
                        .as(name + "." + field.name()).isEqualTo(String.valueOf(record.get(record.getSchema().getField(field.name()).pos())));
            }
            for (Schema.Field added : record.getSchema().getFields()) {
                if (previous.getField(added.name()) == null) {
                    assertThat(added.hasDefaultValue()).as(name + "." + added.name() + " needs a default for old records").isTrue();
                }
            }
        }
    }

    /** The analytics app reads events without their payload, including events written before the payload moved last. */
    @Test
    void aReaderCanLeaveTheLastFieldOutAndSkipItsBytes() throws Exception {
        dev.agenttelemetry.avro.AgentEvent event = dev.agenttelemetry.avro.AgentEvent.newBuilder().setEventId("e1")
                .setReceivedAt(java.time.Instant.ofEpochMilli(1_700_000_000_000L)).setSessionId("s1").setHookEventName("PreToolUse")
                .setEventType(dev.agenttelemetry.avro.EventType.command_execution).setToolName("Bash").setCommand("ls")
                .setPayload("{\"tool_input\":{\"command\":\"ls\"}}").setHash("h").setUserId("u").build();
        var withoutPayload = new ConfluentAvroDeserializer<>(client, dev.agenttelemetry.avro.AgentEvent.class).withoutLastField("payload");

        dev.agenttelemetry.avro.AgentEvent read = withoutPayload.deserialize("slim-events",
                new ConfluentAvroSerializer<dev.agenttelemetry.avro.AgentEvent>(client, false).serialize("slim-events", event));
        assertThat(read.getPayload()).isNull();
        assertThat(read.getCommand()).isEqualTo("ls");
        assertThat(read.getUserId()).isEqualTo("u");
        assertThat(read.getHash()).isEqualTo("h");

        // written by the previous release, whose payload sat between other fields
        Schema.Parser parser = new Schema.Parser();
        parser.addTypes(List.of(dev.agenttelemetry.avro.EventType.getClassSchema(), dev.agenttelemetry.avro.Severity.getClassSchema()));
        Schema previous = parser.parse(getClass().getResourceAsStream("/previous/AgentEvent.avsc"));
        GenericRecord old = new GenericData.Record(previous);
        for (Schema.Field field : previous.getFields()) {
            Object value = event.get(event.getSchema().getField(field.name()).pos());
            old.put(field.name(), value instanceof java.time.Instant instant ? instant.toEpochMilli() : value);
        }
        dev.agenttelemetry.avro.AgentEvent oldRead = withoutPayload.deserialize("slim-previous",
                new ConfluentAvroSerializer<GenericRecord>(client, false).serialize("slim-previous", old));
        assertThat(oldRead.getPayload()).isNull();
        assertThat(oldRead.getCommand()).isEqualTo("ls");
        assertThat(oldRead.getHash()).isEqualTo("h");

        assertThatThrownBy(() -> new ConfluentAvroDeserializer<>(client, dev.agenttelemetry.avro.AgentEvent.class).withoutLastField("command"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("command is not the last field");
    }

    @Test
    void rejectsBytesThatAreNotInTheWireFormat() {
        var deserializer = new ConfluentAvroDeserializer<>(client, HookEnvelope.class);
        assertThatThrownBy(() -> deserializer.deserialize("raw", "{\"json\":1}".getBytes()))
                .isInstanceOf(SerializationException.class).hasMessageContaining("magic byte");
        assertThatThrownBy(() -> deserializer.deserialize("raw", new byte[]{0, 1}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("too short");
    }
}
