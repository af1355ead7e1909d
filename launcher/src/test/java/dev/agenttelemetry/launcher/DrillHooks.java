package dev.agenttelemetry.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.topics.Topic;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import java.util.function.Supplier;

/**
 * For the crash drills: posts Bash PreToolUse hooks round-robin over a few sessions, 50 a second, and keeps the
 * ids of those the collector accepted; and reads what the pipeline wrote.
 */
final class DrillHooks extends Thread {
    private static final ObjectMapper JSON = new ObjectMapper();
    final List<String> accepted = Collections.synchronizedList(new ArrayList<>());
    private final String collector;
    private final String sessionPrefix;
    private final int sessions;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger sent = new AtomicInteger();
    private volatile Throwable failure;
    private final Object pause = new Object();
    private boolean paused;

    DrillHooks(String collector, String sessionPrefix, int sessions) {
        super("drill-hooks");
        this.collector = collector;
        this.sessionPrefix = sessionPrefix;
        this.sessions = sessions;
    }

    /** The session id of session number {@code n}. */
    String session(int n) {
        return sessionPrefix + n;
    }

    @Override
    public void run() {
        try {
            while (running.get()) {
                synchronized (pause) {
                    while (paused) {
                        pause.wait();
                    }
                    int n = sent.get();
                    post(n % sessions, "ls src/" + n);
                }
                Thread.sleep(20); // pacing: about 50 hooks a second
            }
        } catch (Throwable e) {
            failure = e;
        }
    }

    /** Stops posting once the hook in flight is answered (while the collector is restarted, say). */
    void pausePosting() {
        synchronized (pause) {
            paused = true;
        }
    }

    void resumePosting() {
        synchronized (pause) {
            paused = false;
            pause.notifyAll();
        }
    }

    void post(int session, String command) throws IOException, InterruptedException {
        postOn(session(session), command);
    }

    /** Posts a Bash PreToolUse hook on the session with this id. */
    void postOn(String sessionId, String command) throws IOException, InterruptedException {
        int n = sent.getAndIncrement();
        String body = bashHook(sessionId, "toolu_" + n, command);
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(collector + "/v1/hooks"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new AssertionError("the collector answered " + answer.statusCode() + ": " + answer.body());
        }
        accepted.add(answer.headers().firstValue("X-Event-Id").orElseThrow());
    }

    /**
     * Posts {@code count} Bash PostToolUse hooks whose output is {@code outputBytes} long through the batch endpoint
     * (about 1 MB a request), round-robin over the sessions: the Streams applications take longer over each of these
     * than the collector, so they may still be working through them when this returns.
     */
    void burst(int count, int outputBytes) throws IOException, InterruptedException {
        String output = "x".repeat(Math.max(0, outputBytes - 40)) + " build finished in 12.3 s\\n";
        int perRequest = Math.max(1, 1_000_000 / (outputBytes + 300));
        for (int posted = 0; posted < count; posted += perRequest) {
            StringBuilder ndjson = new StringBuilder();
            for (int i = posted; i < Math.min(count, posted + perRequest); i++) {
                int n = sent.getAndIncrement();
                ndjson.append("{\"session_id\":\"").append(session(n % sessions)).append("\",\"hook_event_name\":\"PostToolUse\",")
                        .append("\"cwd\":\"/home/dev/shop\",\"tool_name\":\"Bash\",\"tool_use_id\":\"toolu_").append(n)
                        .append("\",\"tool_input\":{\"command\":\"make build\"},\"tool_response\":{\"stdout\":\"").append(output)
                        .append("\",\"stderr\":\"\",\"interrupted\":false}}\n");
            }
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(collector + "/v1/hooks/batch"))
                    .header("Content-Type", "application/x-ndjson").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString())).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(answer.body());
            if (answer.statusCode() != 200 || !body.path("rejected").isEmpty() || !body.path("failed").isEmpty()) {
                throw new AssertionError("the collector answered " + answer.statusCode() + ": " + answer.body());
            }
            body.path("event_ids").forEach(id -> accepted.add(id.asText()));
        }
    }

    /** A Bash PreToolUse hook payload in a project under {@code /home/dev/shop}. */
    static String bashHook(String session, String toolUseId, String command) {
        return "{\"session_id\":\"" + session + "\",\"hook_event_name\":\"PreToolUse\",\"cwd\":\"/home/dev/shop\","
                + "\"tool_name\":\"Bash\",\"tool_use_id\":\"" + toolUseId + "\",\"tool_input\":{\"command\":\"" + command + "\"}}";
    }

    /** Waits until {@code more} further hooks were accepted. */
    void awaitMore(int more) throws InterruptedException {
        int target = accepted.size() + more;
        await("hooks accepted").dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(120)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (failure != null) {
                throw new AssertionError("posting hooks failed", failure);
            }
            return accepted.size() >= target;
        });
    }

    /** Keeps posting until {@code length} has passed since {@code since} (a {@link System#nanoTime()} reading). */
    void keepPostingUntil(long since, Duration length) throws InterruptedException {
        long end = since + length.toNanos();
        while (System.nanoTime() < end) {
            if (failure != null) {
                throw new AssertionError("posting hooks failed", failure);
            }
            Thread.sleep(Math.max(1, Math.min(1000, (end - System.nanoTime()) / 1_000_000))); // the drill's fault lasts this long
        }
    }

    /**
     * How long a drill's fault lasts: the system property {@code name} (an ISO-8601 duration such as {@code PT3M}, e.g.
     * {@code ./mvnw verify -Ddrill.kafka.outage=PT3M}), else {@code quick} so the test suite stays short.
     */
    static Duration faultLength(String name, Duration quick) {
        String value = System.getProperty(name, "");
        Duration length = value.isBlank() ? quick : Duration.parse(value);
        System.out.printf("%s: the fault lasts %d s (set -D%s=PT3M for minutes)%n", name, length.toSeconds(), name);
        return length;
    }

    void finish() throws InterruptedException {
        running.set(false);
        join(30_000);
        if (failure != null) {
            throw new AssertionError("posting hooks failed", failure);
        }
    }

    static <V> List<V> read(String bootstrap, Topic<String, V> topic) {
        return TopicScan.read(KafkaAccess.plaintext(bootstrap), topic, Instant.EPOCH, v -> true, n -> { });
    }

    /**
     * What a stalled drill needs to be told apart: for each topic, every partition's end offset and last stable offset
     * (an open transaction holds the second back), the groups' committed offsets, and the open transactions.
     */
    static void printKafkaState(String bootstrap, List<String> topics, List<String> groups) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            for (String topic : topics) {
                int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (int p = 0; p < partitions; p++) {
                    latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
                }
                var end = admin.listOffsets(latest).all().get();
                var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
                latest.keySet().stream().sorted(Comparator.comparingInt(TopicPartition::partition)).forEach(tp ->
                        System.out.printf("%s: end %d, last stable %d%n", tp, end.get(tp).offset(), stable.get(tp).offset()));
            }
            for (String group : groups) {
                System.out.printf("group %s committed: %s%n", group, admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get());
            }
            for (TransactionListing transaction : admin.listTransactions().all().get()) {
                System.out.printf("transaction %s: %s%n", transaction.transactionalId(), transaction.state());
            }
        } catch (Exception e) {
            System.out.println("could not read Kafka's state: " + e);
        }
    }

    /** Polls until at least {@code expected} items are there, then returns what is there (more would be duplicates). */
    static <T> List<T> awaitAtLeast(Supplier<List<T>> read, int expected, String what) throws InterruptedException {
        return awaitAtLeast(read, expected, what, Duration.ofSeconds(180));
    }

    static <T> List<T> awaitAtLeast(Supplier<List<T>> read, int expected, String what, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<T> found = read.get();
        while (found.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(1000); // polling while the pipeline catches up after a restart
            found = read.get();
        }
        System.out.printf("%s: %d of %d%n", what, found.size(), expected);
        return found;
    }
}
