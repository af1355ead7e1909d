package dev.agenttelemetry.collector;

import dev.agenttelemetry.collector.spool.FsyncPolicy;
import dev.agenttelemetry.config.ConfigException;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.config.KafkaAccess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The collector's settings, read once at start.
 *
 * @param host               address to listen on; other than loopback only with a bearer token
 * @param port               HTTP port (0: a free one)
 * @param kafka              the broker, and the {@code collector} principal's credentials when Kafka is secured
 * @param authToken          bearer token every POST must carry; empty: none (loopback only)
 * @param maxBodyBytes       largest request body accepted; larger ones get 413
 * @param maxInFlight        most requests being processed at once; beyond it 503
 * @param sendThreads        threads that serialize, compress and hand events to the producer (sessions keep their order)
 * @param ackTimeout         how long an event may wait for Kafka's acknowledgement before it is spooled instead
 * @param spoolDir           where the spool lives
 * @param spoolMaxBytes      the spool's size bound; when reached, hooks get 503
 * @param spoolSegmentBytes  size at which the spool starts a new file
 * @param fsync              when spool writes are forced to disk
 * @param fsyncInterval      the longest an unforced write waits for fsync (policy {@code interval})
 * @param fallbackFile       where the SessionStart command hook appends payloads while the collector is down
 * @param localContext       whether to add host, OS user and git facts to each envelope
 * @param producerOverrides  further Kafka producer properties ({@code collector.producer.*})
 */
public record CollectorConfig(String host, int port, KafkaAccess kafka, String rawTopic, Optional<String> authToken,
                              int maxBodyBytes, int maxInFlight, int sendThreads, Duration ackTimeout, Path spoolDir, long spoolMaxBytes,
                              long spoolSegmentBytes, FsyncPolicy fsync, Duration fsyncInterval, Path fallbackFile,
                              boolean localContext, Map<String, String> producerOverrides) {

    /** Whose Kafka credentials the collector uses ({@code collector.kafka.username}, {@code collector.kafka.password}). */
    public static final String PRINCIPAL = "collector";
    public static final String HOST = "collector.host";
    public static final String PORT = "collector.port";
    public static final String AUTH_TOKEN = "collector.auth.token";
    public static final String MAX_BODY_BYTES = "collector.max.body.bytes";
    public static final String MAX_IN_FLIGHT = "collector.max.in.flight";
    public static final String SEND_THREADS = "collector.send.threads";
    public static final String ACK_TIMEOUT_MS = "collector.ack.timeout.ms";
    public static final String SPOOL_DIR = "collector.spool.dir";
    public static final String SPOOL_MAX_BYTES = "collector.spool.max.bytes";
    public static final String SPOOL_SEGMENT_BYTES = "collector.spool.segment.bytes";
    public static final String SPOOL_FSYNC = "collector.spool.fsync";
    public static final String SPOOL_FSYNC_INTERVAL_MS = "collector.spool.fsync.interval.ms";
    public static final String FALLBACK_FILE = "collector.fallback.file";
    public static final String LOCAL_CONTEXT = "collector.local.context";
    public static final String PRODUCER_PREFIX = "collector.producer.";
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

    /** @param dataDir where the spool and the fallback file live unless configured elsewhere */
    public static CollectorConfig from(ConfigReader config, String bootstrapServers, String rawTopic, Path dataDir) {
        String fsync = config.string(SPOOL_FSYNC, "always").toUpperCase();
        FsyncPolicy policy;
        try {
            policy = FsyncPolicy.valueOf(fsync);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SPOOL_FSYNC, "invalid value '" + fsync.toLowerCase() + "' for '" + SPOOL_FSYNC + "': must be always or interval");
        }
        CollectorConfig parsed = new CollectorConfig(
                config.string(HOST, "127.0.0.1"),
                config.integer(PORT, 4180, 0, 65535),
                KafkaAccess.of(config, bootstrapServers, PRINCIPAL), rawTopic,
                config.optional(AUTH_TOKEN),
                config.integer(MAX_BODY_BYTES, 1536 * 1024, 1024, 64 * 1024 * 1024),
                config.integer(MAX_IN_FLIGHT, 10_000, 1, 1_000_000),
                config.integer(SEND_THREADS, Math.max(2, Runtime.getRuntime().availableProcessors()), 1, 64),
                config.millis(ACK_TIMEOUT_MS, Duration.ofMillis(500), Duration.ofMillis(1)),
                Path.of(config.string(SPOOL_DIR, dataDir.resolve("collector").resolve("spool").toString())),
                config.longValue(SPOOL_MAX_BYTES, 1L << 30, 1L << 20, Long.MAX_VALUE),
                config.longValue(SPOOL_SEGMENT_BYTES, 64L << 20, 1L << 16, 1L << 34),
                policy,
                config.millis(SPOOL_FSYNC_INTERVAL_MS, Duration.ofMillis(50), Duration.ofMillis(1)),
                Path.of(config.string(FALLBACK_FILE, dataDir.resolve("collector").resolve("fallback.ndjson").toString())),
                config.bool(LOCAL_CONTEXT, true),
                config.withPrefix(PRODUCER_PREFIX));
        if (!LOOPBACK.contains(parsed.host()) && parsed.authToken().isEmpty()) {
            throw new ConfigException(HOST, "'" + HOST + "' is " + parsed.host() + ": listening beyond loopback needs a bearer token;"
                    + " set '" + AUTH_TOKEN + "' (e.g. AGENT_TELEMETRY_COLLECTOR_AUTH_TOKEN) or keep 127.0.0.1");
        }
        return parsed;
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "CollectorConfig[host=" + host + ", port=" + port + ", kafka=" + kafka + ", authToken=" + (authToken.isPresent() ? "[hidden]" : "none")
                + ", maxBodyBytes=" + maxBodyBytes + ", ackTimeout=" + ackTimeout + ", spoolDir=" + spoolDir + ", fsync=" + fsync + "]";
    }
}
