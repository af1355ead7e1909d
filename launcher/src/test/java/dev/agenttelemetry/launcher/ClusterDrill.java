package dev.agenttelemetry.launcher;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.config.KafkaAccess;
import dev.agenttelemetry.kafka.FreePorts;
import dev.agenttelemetry.lokistandin.FakeLoki;
import dev.agenttelemetry.schemas.registry.SchemaRegistryClient;
import dev.agenttelemetry.testkit.KafkaCluster;
import dev.agenttelemetry.testkit.TestKafka;
import dev.agenttelemetry.topics.Topic;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicLayout;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A drill on a 3-node {@link KafkaCluster}: the pipeline ({@code up --bootstrap-servers}, with the Loki sink into the
 * stand-in) runs while hooks keep arriving; the drill does its fault, then {@link #verify} checks what a cluster
 * promises: every accepted hook on the events topic and in Loki exactly once, each session's hash chain unbroken,
 * every expected alert once. Alert hooks posted on fresh sessions measure hook-to-alert latency through the fault.
 */
final class ClusterDrill implements AutoCloseable {
    static final int SESSIONS = 4;
    final KafkaCluster cluster;
    final FakeLoki loki;
    final Path pipelineDir;
    final TopicCatalog topics;
    final String registryUrl;
    Process pipeline;
    DrillHooks hooks;
    private final String name;
    private final AlertWatch alerts = new AlertWatch();
    private final List<String> latencySessions = new ArrayList<>();
    private final Map<String, Long> alertPostedAt = new ConcurrentHashMap<>();
    private long faultEndedAt;

    private ClusterDrill(String name, KafkaCluster cluster, FakeLoki loki, Path pipelineDir, TopicCatalog topics, String registryUrl) {
        this.name = name;
        this.registryUrl = registryUrl;
        this.cluster = cluster;
        this.loki = loki;
        this.pipelineDir = pipelineDir;
        this.topics = topics;
    }

    /** A started cluster, the pipeline on it with the Loki sink, hooks flowing. {@code settings} go to the pipeline's config file. */
    static ClusterDrill start(String name, String... settings) throws Exception {
        return start(name, true, settings);
    }

    /** As {@link #start(String, String...)}; without {@code lokiSinkInUp}, a Connect cluster of the drill's own forwards to Loki. */
    static ClusterDrill start(String name, boolean lokiSinkInUp, String... settings) throws Exception {
        KafkaCluster cluster = KafkaCluster.start(3);
        FakeLoki loki = null;
        try {
            loki = FakeLoki.start();
            Path pipelineDir = TestKafka.workDir(name + "-pipeline-");
            int registryPort = FreePorts.loopback();
            List<String> config = new ArrayList<>(List.of("collector.port=" + FreePorts.loopback(), "schema.registry.port=" + registryPort, "connect.rest.port=0",
                    "collector.ack.timeout.ms=300"));
            config.addAll(List.of(settings));
            Files.writeString(pipelineDir.resolve(PipelineSettings.CONFIG_FILE_NAME), String.join("\n", config) + "\n");
            String registryUrl = "http://127.0.0.1:" + registryPort;
            TopicCatalog topics = TopicCatalog.of(TopicLayout.from(new ConfigReader(Map.of(), "test")), new SchemaRegistryClient(registryUrl));
            ClusterDrill drill = new ClusterDrill(name, cluster, loki, pipelineDir, topics, registryUrl);
            drill.lokiSinkInUp = lokiSinkInUp;
            drill.startPipeline();
            drill.hooks = new DrillHooks(drill.collectorUrl, name + "-s", SESSIONS);
            drill.hooks.start();
            drill.hooks.awaitMore(40);
            drill.alerts.start();
            return drill;
        } catch (Exception | Error e) {
            if (loki != null) {
                loki.close();
            }
            cluster.close();
            throw e;
        }
    }

    private String collectorUrl;
    private boolean lokiSinkInUp;

    /** Starts {@code up} on the cluster (again, after {@link #stopPipeline}); it serves when this returns. */
    void startPipeline() throws IOException {
        List<String> up = new ArrayList<>(List.of("up", "--data-dir", pipelineDir.toString(), "--bootstrap-servers", cluster.bootstrapServers()));
        if (lokiSinkInUp) {
            up.addAll(List.of("--loki-url", loki.url()));
        }
        pipeline = ChildProcesses.start(up.toArray(String[]::new));
        String url = ChildProcesses.awaitCollectorUrl(pipeline);
        if (collectorUrl != null && !collectorUrl.equals(url)) {
            throw new AssertionError("the collector came back on " + url + " instead of " + collectorUrl);
        }
        collectorUrl = url;
        if (hooks != null) {
            hooks.resumePosting();
        }
    }

    /** SIGTERM to {@code up}: it stops in order; hooks pause until {@link #startPipeline} has it back. */
    void stopPipeline() throws InterruptedException {
        hooks.pausePosting();
        pipeline.destroy();
        assertThat(pipeline.waitFor(120, TimeUnit.SECONDS)).as("up stopped").isTrue();
    }

    /** Posts an alerting hook on a fresh session every {@code every}, {@code count} times: each alert's latency is measured. */
    void probeAlerts(int count, Duration every) throws IOException, InterruptedException {
        for (int i = 0; i < count; i++) {
            int session = latencySessions.size();
            String id = name + "-lat" + session;
            latencySessions.add(id);
            alertPostedAt.put(id, System.nanoTime());
            hooks.postOn(id, "sudo whoami");
            Thread.sleep(every.toMillis()); // probes spread over the fault
        }
    }

    /** When the fault ended: the pipeline's catching up is timed from here. */
    void faultEnded() {
        faultEndedAt = System.nanoTime();
    }

    /** Every promise of the pipeline on a cluster, checked after the fault; prints the figures. */
    void verify() throws Exception {
        for (int session = 0; session < SESSIONS; session++) {
            hooks.post(session, "rm -rf /");
        }
        hooks.awaitMore(20);
        hooks.finish();
        List<String> accepted = List.copyOf(hooks.accepted);
        String bootstrap = cluster.bootstrapServers();
        List<AgentEvent> events = DrillHooks.awaitAtLeast(() -> DrillHooks.read(bootstrap, topics.events()), accepted.size(),
                "every accepted hook on the events topic");
        double caughtUp = (System.nanoTime() - faultEndedAt) / 1e9;
        assertThat(events.stream().map(AgentEvent::getEventId).toList()).as("each accepted hook exactly once")
                .containsExactlyInAnyOrderElementsOf(accepted);
        assertChainsUnbroken(events);

        List<SecurityAlert> destructive = DrillHooks.awaitAtLeast(() -> DrillHooks.read(bootstrap, topics.alerts()).stream()
                .filter(a -> a.getRuleId().equals("destructive_command")).toList(), SESSIONS, "one destructive_command alert per session");
        assertThat(destructive.stream().map(SecurityAlert::getSessionId).toList()).as("destructive_command raised once per session")
                .doesNotHaveDuplicates().hasSize(SESSIONS);
        List<SecurityAlert> probes = DrillHooks.awaitAtLeast(() -> DrillHooks.read(bootstrap, topics.alerts()).stream()
                .filter(a -> latencySessions.contains(a.getSessionId()) && a.getRuleId().equals("privilege_escalation")).toList(),
                latencySessions.size(), "one privilege_escalation alert per probe");
        assertThat(probes.stream().map(SecurityAlert::getSessionId).toList()).as("one alert per probe session, once")
                .doesNotHaveDuplicates().hasSameSizeAs(latencySessions);

        List<String> inLoki = DrillHooks.awaitAtLeast(() -> loki.entries(Map.of("kind", "event")).stream()
                .map(e -> e.metadata().get("event_id")).toList(), accepted.size(), "every event in Loki");
        assertThat(inLoki).as("every event in Loki once").containsExactlyInAnyOrderElementsOf(accepted);

        List<Long> latencies = latencySessions.stream().map(session -> alerts.arrivedAt(session) - alertPostedAt.get(session))
                .sorted().toList();
        System.out.printf("%s: %d hooks; hook -> alert through the fault: p50 %.1f s, p99 %.1f s (%d probes); every hook on the events "
                        + "topic %.0f s after the fault ended%n", name, accepted.size(), percentile(latencies, 0.5) / 1e9, percentile(latencies, 0.99) / 1e9,
                latencies.size(), caughtUp);
    }

    /** Per session: sequence numbers 1..n without a gap, each event linked to the previous one's hash. */
    static void assertChainsUnbroken(List<AgentEvent> events) {
        Map<String, List<AgentEvent>> bySession = events.stream().collect(Collectors.groupingBy(AgentEvent::getSessionId));
        bySession.forEach((session, chain) -> {
            List<AgentEvent> ordered = chain.stream().sorted(Comparator.comparingLong(AgentEvent::getSequence)).toList();
            for (int i = 0; i < ordered.size(); i++) {
                AgentEvent event = ordered.get(i);
                assertThat(event.getSequence()).as(session + "'s chain has no gap").isEqualTo(i + 1);
                assertThat(event.getPreviousHash()).as(session + "'s event " + (i + 1) + " links to the one before")
                        .isEqualTo(i == 0 ? null : ordered.get(i - 1).getHash());
            }
        });
    }

    private static long percentile(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    /** When each probe session's first alert reached the alerts topic (read committed, as consumers see it). */
    private final class AlertWatch extends Thread {
        private final Map<String, Long> arrived = new ConcurrentHashMap<>();
        private final AtomicBoolean running = new AtomicBoolean(true);

        AlertWatch() {
            super("drill-alert-watch");
            setDaemon(true);
        }

        @Override
        public void run() {
            Topic<String, SecurityAlert> topic = topics.alerts();
            try (KafkaConsumer<String, SecurityAlert> consumer = new KafkaConsumer<>(KafkaAccess.plaintext(cluster.bootstrapServers())
                    .clientProperties(Map.of("isolation.level", "read_committed")), topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                        .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                while (running.get()) {
                    for (ConsumerRecord<String, SecurityAlert> record : consumer.poll(Duration.ofMillis(100))) {
                        arrived.putIfAbsent(record.value().getSessionId(), System.nanoTime());
                    }
                }
            } catch (RuntimeException e) {
                System.out.println("the alert watch stopped: " + e);
            }
        }

        long arrivedAt(String session) {
            Long at = arrived.get(session);
            if (at == null) {
                throw new AssertionError("the alert of " + session + " was not seen arriving");
            }
            return at;
        }
    }

    @Override
    public void close() throws Exception {
        alerts.running.set(false);
        if (pipeline != null) {
            pipeline.destroy();
            if (!pipeline.waitFor(60, TimeUnit.SECONDS)) {
                pipeline.destroyForcibly();
            }
        }
        loki.close();
        cluster.close();
    }
}
