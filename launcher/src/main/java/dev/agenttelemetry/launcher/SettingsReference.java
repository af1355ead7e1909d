package dev.agenttelemetry.launcher;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The pipeline's settings as users read them: docs/configuration.md's table is generated from this list, and a test
 * runs every component's configuration against it, so a key the code reads cannot go undocumented. A key may hold a
 * placeholder: {@code <role>}, {@code <principal>} and {@code <kind>} stand for one word, {@code <property>} and
 * {@code <setting>} for the rest of the key.
 */
public final class SettingsReference {
    /**
     * @param keys         the keys (none for a command-line option alone)
     * @param option       the command-line option that sets them, if any
     * @param defaultValue what applies when unset (Markdown)
     * @param meaning      what it does (Markdown)
     */
    public record Setting(List<String> keys, String option, String defaultValue, String meaning) {
        /** Whether a key read by the code (or a prefix, read as {@code prefix*}) is one of these. */
        public boolean covers(String read) {
            for (String key : keys) {
                if (pattern(key).matcher(read).matches()) {
                    return true;
                }
            }
            return false;
        }

        private static Pattern pattern(String key) {
            String regex = Pattern.quote(key).replace("<role>", "\\E[a-z-]+\\Q").replace("<principal>", "\\E[a-z]+\\Q")
                    .replace("<kind>", "\\E([a-z0-9_]+|\\*)\\Q").replace("<property>", "\\E(.+|\\*)\\Q").replace("<setting>", "\\E(.+|\\*)\\Q");
            return Pattern.compile(regex);
        }
    }

    public static final List<Setting> ALL = List.of(
            new Setting(List.of(), "--data-dir",
                    "`~/.agent-telemetry`",
                    "broker data (`kafka/`), Streams state (`streams/`), Connect offsets (`connect/`), logs (`logs/`)"),
            new Setting(List.of("bootstrap.servers"), "--bootstrap-servers",
                    "unset: embedded broker",
                    "use an existing Kafka instead"),
            new Setting(List.of("broker.port", "broker.controller.port"), null,
                    "9092, 9093",
                    "embedded broker ports (127.0.0.1)"),
            new Setting(List.of("broker.override.<property>"), null,
                    "",
                    "any further broker property for the embedded broker"),
            new Setting(List.of("kafka.security.protocol"), null,
                    "`PLAINTEXT`",
                    "`SASL_SSL` secures the embedded broker and every client (see [Operations: Security](operations.md#security)); `SSL`, `SASL_PLAINTEXT` for a cluster of your own"),
            new Setting(List.of("kafka.sasl.mechanism"), null,
                    "`SCRAM-SHA-512`",
                    "or `SCRAM-SHA-256`, `PLAIN` (own cluster)"),
            new Setting(List.of("kafka.ssl.truststore.location", "kafka.ssl.truststore.type", "kafka.ssl.truststore.password",
                    "kafka.ssl.truststore.password.file"), null,
                    "`<kafka.security.dir>/ca.pem`, PEM",
                    "what clients trust"),
            new Setting(List.of("kafka.security.dir"), null,
                    "`<data-dir>/security`",
                    "the embedded secured broker's certificate and generated passwords"),
            new Setting(List.of("<principal>.kafka.username", "<principal>.kafka.password", "<principal>.kafka.password.file"), null,
                    "the principal's name; `<kafka.security.dir>/<principal>.password`",
                    "principal: `collector`, `enricher`, `analytics`, `registry`, `connect`, `operator`, `admin`"),
            new Setting(List.of("schema.registry.url"), "--schema-registry-url",
                    "unset: embedded registry",
                    "use an existing Confluent-compatible registry instead"),
            new Setting(List.of("schema.registry.port", "schema.registry.topic"), null,
                    "8081, `_schemas`",
                    "the embedded registry"),
            new Setting(List.of("loki.url"), "--loki-url",
                    "unset: no sink",
                    "Grafana Loki to forward to (runs a Connect worker with the sink)"),
            new Setting(List.of("loki.sink.<setting>"), null,
                    "the connector's defaults",
                    "any setting of the Loki sink connector for the worker `up` runs (`loki.sink.labels.fields`, `loki.sink.loki.tenant`, ...; see [docs/sink-loki-configuration.md](sink-loki-configuration.md)); `log` queries Loki as the tenant in `loki.sink.loki.tenant`"),
            new Setting(List.of("streams.stall.timeout.ms"), null,
                    "180000 (3 min)",
                    "how long new records may wait on a Streams application's input, with its committed offsets standing still, before `up`, `enricher` or `analytics` restarts it (see [Operations](operations.md#when-a-streams-application-stalls)); 0: never"),
            new Setting(List.of("up.without", "up --without"), null,
                    "unset: `up` runs both Streams apps",
                    "`enricher`, `analytics` or both: left out of `up`, run as `agent-telemetry enricher` / `analytics`"),
            new Setting(List.of("connect.rest.port"), null,
                    "8083",
                    "the embedded Connect worker's REST port (0: any free port, printed by `up`; `status` then needs `--connect-url`)"),
            new Setting(List.of("collector.host", "collector.port"), "--collector-port",
                    "127.0.0.1, 4180",
                    "the hook endpoint; an address beyond loopback needs `collector.auth.token`"),
            new Setting(List.of("collector.auth.token"), null,
                    "unset",
                    "bearer token every POST must carry (e.g. `AGENT_TELEMETRY_COLLECTOR_AUTH_TOKEN`)"),
            new Setting(List.of("collector.max.body.bytes"), null,
                    "1572864",
                    "larger bodies get 413"),
            new Setting(List.of("collector.max.in.flight"), null,
                    "10000",
                    "more requests at once get 503"),
            new Setting(List.of("collector.ack.timeout.ms"), null,
                    "500",
                    "longest wait for Kafka's acknowledgement before the event is spooled instead"),
            new Setting(List.of("collector.send.threads"), null,
                    "cores, at least 2",
                    "threads that serialize and compress events for the producer (a session always on the same one)"),
            new Setting(List.of("collector.spool.dir"), null,
                    "`<data-dir>/collector/spool`",
                    "the spool"),
            new Setting(List.of("collector.spool.max.bytes", "collector.spool.segment.bytes"), null,
                    "1 GiB, 64 MiB",
                    "the spool's bound and file size"),
            new Setting(List.of("collector.spool.fsync", "collector.spool.fsync.interval.ms"), null,
                    "`always`, 50",
                    "see [Collector: fsync policy](collector.md#fsync-policy)"),
            new Setting(List.of("collector.fallback.file"), null,
                    "`<data-dir>/collector/fallback.ndjson`",
                    "ingested at start"),
            new Setting(List.of("collector.local.context"), null,
                    "true",
                    "add host, OS user and git facts to each envelope"),
            new Setting(List.of("collector.producer.<property>"), null,
                    "",
                    "any Kafka producer property (defaults: `acks=all`, idempotent, lz4, `linger.ms=0`, `batch.size` 64 KB)"),
            new Setting(List.of("enricher.application.id", "analytics.application.id"), null,
                    "`agent-telemetry-enricher`, `agent-telemetry-analytics`",
                    "Streams application ids (and consumer groups)"),
            new Setting(List.of("enricher.chain.ttl.ms"), null,
                    "2592000000 (30 days)",
                    "how long a quiet session's chain state is kept"),
            new Setting(List.of("enricher.prompt.preview.chars"), null,
                    "200",
                    "how much of a prompt is kept (masked)"),
            new Setting(List.of("enricher.pairing.gap.ms"), null,
                    "600000 (10 min)",
                    "how long a tool call waits for its result before it ends as `no_result`"),
            new Setting(List.of("enricher.workspace.roots"), null,
                    "none",
                    "comma-separated folders whose subfolders are projects (`~/code,/srv/repos`; `~/` matches `/home/<user>` and `/Users/<user>`): a session in `~/code/shop/src` without a git root has the project `~/code/shop`, and `~/code/billing` is a sibling project, even under `/srv` or `/opt`. Without it, the project's parent folder is its workspace (not the home folder or `/`)"),
            new Setting(List.of("enricher.masking.disabled", "enricher.masking.pattern.<kind>", "enricher.masking.fields"), null,
                    "none",
                    "see [Masking: configuration](masking.md#configuration)"),
            new Setting(List.of("analytics.rules.file"), null,
                    "unset: the shipped rules",
                    "a rule file (see [Rules](rules.md#rule-files)); checked at start, errors name the line"),
            new Setting(List.of("analytics.session.gap.ms"), null,
                    "1800000 (30 min)",
                    "inactivity that ends a session window"),
            new Setting(List.of("analytics.activity.publish.interval.ms"), null,
                    "1000",
                    "how often each changed window's activity is published to `agent.sessions` (0: every update, at each commit)"),
            new Setting(List.of("enricher.streams.<property>", "analytics.streams.<property>"), null,
                    "",
                    "any Kafka Streams property (defaults: `exactly_once_v2`, `commit.interval.ms=100`, producer `batch.size` 64 KB, lz4 (see [Performance: Enricher](performance.md#enricher)), `max.task.idle.ms=-1` (each task reads one partition))"),
            new Setting(List.of("topic.replication.factor"), null,
                    "min(3, brokers)",
                    "replicas of every topic the pipeline creates: its own, the embedded registry's `_schemas`, the Streams applications' changelogs (unless `<app>.streams.replication.factor` is set) and Connect's dead letters; one on a single broker, three on a cluster (see [Operations: Running on a Kafka cluster](cluster.md))"),
            new Setting(List.of("topic.<role>.name", "topic.<role>.partitions", "topic.<role>.replication.factor", "topic.<role>.retention.ms", "topic.<role>.max.message.bytes"), null,
                    "see [Topics](topics.md#topics)",
                    "role: `raw`, `events`, `alerts`, `sessions`, `otlp-logs`, `dlq`"),
            new Setting(List.of("streams.state.dir", "metrics.host", "metrics.port"), null,
                    "`./streams`, 127.0.0.1, 9465 (enricher) or 9466 (analytics)",
                    "only for an application run by its jar (`java -jar enricher/target/enricher.jar FILE`): where its state lives and where `GET /metrics` is served; the command line takes `--data-dir`, `--metrics-host` and `--metrics-port` instead"));

    private SettingsReference() {
    }

    /** The Markdown table of docs/configuration.md. */
    public static String table() {
        StringBuilder table = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
        for (Setting setting : ALL) {
            String keys = String.join(", ", setting.keys().stream().map(key -> "`" + key + "`").toList());
            String option = setting.option() == null ? "" : "`" + setting.option() + "`";
            String name = keys.isEmpty() ? option : option.isEmpty() ? keys : keys + " (" + option + ")";
            table.append("| ").append(name).append(" | ").append(setting.defaultValue()).append(" | ").append(setting.meaning()).append(" |\n");
        }
        return table.toString();
    }
}
