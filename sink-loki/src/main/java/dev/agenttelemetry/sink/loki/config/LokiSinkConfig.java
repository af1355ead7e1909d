package dev.agenttelemetry.sink.loki.config;

import dev.agenttelemetry.sink.loki.push.PushEncoding;
import dev.agenttelemetry.retry.RetryPolicy;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The connector's settings, each with a doc, a default, a validator and a group (see docs/sink-loki-configuration.md). */
@SuppressWarnings("unchecked")
public final class LokiSinkConfig extends AbstractConfig {
    private static final String CONNECTION = "Connection";
    private static final String RECORDS = "Records and mapping";
    private static final String BATCHING = "Batching and retries";

    public static final String LOKI_URL_CONFIG = "loki.url";
    public static final String LOKI_TENANT_CONFIG = "loki.tenant";
    public static final String BASIC_USER_CONFIG = "loki.auth.basic.user";
    public static final String BASIC_PASSWORD_CONFIG = "loki.auth.basic.password";
    public static final String BEARER_TOKEN_CONFIG = "loki.auth.bearer.token";
    public static final String TRUSTSTORE_PATH_CONFIG = "loki.tls.truststore.path";
    public static final String TRUSTSTORE_PASSWORD_CONFIG = "loki.tls.truststore.password";
    public static final String TRUSTSTORE_TYPE_CONFIG = "loki.tls.truststore.type";
    public static final String REQUEST_TIMEOUT_MS_CONFIG = "loki.request.timeout.ms";
    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
    public static final String LABELS_CONFIG = "labels.fields";
    public static final String METADATA_CONFIG = "structured.metadata.fields";
    public static final String MAX_ENTRY_AGE_MS_CONFIG = "loki.max.entry.age.ms";
    public static final String ENCODING_CONFIG = "loki.encoding";
    public static final String BATCH_MAX_RECORDS_CONFIG = "batch.max.records";
    public static final String BATCH_MAX_BYTES_CONFIG = "batch.max.bytes";
    public static final String CONCURRENCY_CONFIG = "loki.push.concurrency";
    public static final String RETRY_MAX_CONFIG = "retry.max";
    public static final String RETRY_BACKOFF_INITIAL_MS_CONFIG = "retry.backoff.initial.ms";
    public static final String RETRY_BACKOFF_MAX_MS_CONFIG = "retry.backoff.max.ms";
    public static final String METRICS_PORT_CONFIG = "metrics.port";

    private static final ConfigDef.Validator URL_VALIDATOR = described("http:// or https:// URL", LokiSinkConfig::validateUrl);
    private static final ConfigDef.Validator LABELS_VALIDATOR = described("field or field:label, at most 12", LokiSinkConfig::validateLabels);
    private static final ConfigDef.Validator METADATA_VALIDATOR = described("field names, at most 20", LokiSinkConfig::validateMetadata);

    /** Loki allows 15 labels; service and kind are always set. */
    static final int MAX_FIELD_LABELS = 12;

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(LOKI_URL_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, URL_VALIDATOR, Importance.HIGH,
                    "Base URL of Grafana Loki, e.g. http://127.0.0.1:3100; entries go to <url>/loki/api/v1/push.",
                    CONNECTION, 1, Width.LONG, "Loki URL")
            .define(LOKI_TENANT_CONFIG, Type.STRING, "", Importance.MEDIUM,
                    "Tenant sent as X-Scope-OrgID, for a Loki with auth_enabled (multi-tenant). Empty: no header.",
                    CONNECTION, 2, Width.MEDIUM, "Tenant")
            .define(BASIC_USER_CONFIG, Type.STRING, "", Importance.MEDIUM,
                    "User for HTTP basic authentication (e.g. a Grafana Cloud instance id). Empty: no basic auth.",
                    CONNECTION, 3, Width.MEDIUM, "Basic auth user")
            .define(BASIC_PASSWORD_CONFIG, Type.PASSWORD, "", Importance.MEDIUM,
                    "Password or API token for basic authentication. Use a config provider (e.g. ${env:LOKI_PASSWORD}) rather than plain text.",
                    CONNECTION, 4, Width.MEDIUM, "Basic auth password")
            .define(BEARER_TOKEN_CONFIG, Type.PASSWORD, "", Importance.MEDIUM,
                    "Bearer token sent as 'Authorization: Bearer <token>'; not together with basic authentication.",
                    CONNECTION, 5, Width.MEDIUM, "Bearer token")
            .define(TRUSTSTORE_PATH_CONFIG, Type.STRING, "", Importance.LOW,
                    "Trust store for an https Loki whose certificate the JVM does not trust by default. Empty: the JVM's trust store.",
                    CONNECTION, 6, Width.LONG, "Trust store")
            .define(TRUSTSTORE_PASSWORD_CONFIG, Type.PASSWORD, "", Importance.LOW, "Password of the trust store.",
                    CONNECTION, 7, Width.MEDIUM, "Trust store password")
            .define(TRUSTSTORE_TYPE_CONFIG, Type.STRING, "PKCS12", ConfigDef.ValidString.in("PKCS12", "JKS"), Importance.LOW,
                    "Type of the trust store.", CONNECTION, 8, Width.SHORT, "Trust store type")
            .define(REQUEST_TIMEOUT_MS_CONFIG, Type.INT, 10_000, ConfigDef.Range.between(100, 300_000), Importance.LOW,
                    "How long one push request may take before it counts as failed and is retried.",
                    CONNECTION, 9, Width.SHORT, "Request timeout (ms)")
            .define(ENCODING_CONFIG, Type.STRING, "protobuf", ConfigDef.CaseInsensitiveValidString.in("protobuf", "json"), Importance.LOW,
                    "protobuf: Loki's snappy-compressed protobuf (smallest, what Promtail and Alloy send); json: Loki's JSON push format.",
                    CONNECTION, 10, Width.SHORT, "Encoding")
            .define(SCHEMA_REGISTRY_URL_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, URL_VALIDATOR, Importance.HIGH,
                    "Schema Registry that holds the Avro schemas of the records (Confluent wire format; use value.converter="
                            + "org.apache.kafka.connect.converters.ByteArrayConverter).",
                    RECORDS, 1, Width.LONG, "Schema Registry URL")
            .define(LABELS_CONFIG, Type.LIST, "project_name:project,severity",
                    LABELS_VALIDATOR, Importance.MEDIUM,
                    "Record fields that become Loki labels, as field or field:label. Keep them few and of low cardinality (Loki indexes "
                            + "every label combination as a stream, so a label whose values grow, such as tools or rules, multiplies the streams); "
                            + "service and kind (event, alert, session) are always set. At most "
                            + MAX_FIELD_LABELS + ".",
                    RECORDS, 2, Width.LONG, "Label fields")
            .define(METADATA_CONFIG, Type.LIST, "event_type,tool_name,hook_event_name,rule_id,risk_category,session_id,event_id,tool_use_id,alert_id",
                    METADATA_VALIDATOR,
                    Importance.MEDIUM,
                    "Record fields sent as structured metadata: filtered and grouped by in LogQL like labels (| tool_name=\"Bash\", "
                            + "sum by (tool_name)) without creating streams; for ids and any value whose set grows. At most 20.",
                    RECORDS, 3, Width.LONG, "Structured metadata fields")
            .define(MAX_ENTRY_AGE_MS_CONFIG, Type.LONG, Duration.ofDays(7).toMillis(), ConfigDef.Range.atLeast(60_000), Importance.LOW,
                    "Records older than this are not pushed but sent to the dead-letter queue: Loki refuses them (its "
                            + "reject_old_samples_max_age, 7 days by default). Entries more than 10 minutes in the future are refused alike.",
                    RECORDS, 4, Width.SHORT, "Max entry age (ms)")
            .define(BATCH_MAX_RECORDS_CONFIG, Type.INT, 2_000, ConfigDef.Range.between(1, 100_000), Importance.LOW,
                    "Most entries in one push request. Batches come from what Connect hands over per poll: to wait for larger "
                            + "ones, set consumer.override.fetch.min.bytes and consumer.override.fetch.max.wait.ms (the linger).",
                    BATCHING, 1, Width.SHORT, "Max records per push")
            .define(BATCH_MAX_BYTES_CONFIG, Type.INT, 1024 * 1024, ConfigDef.Range.between(300 * 1024, 3 * 1024 * 1024), Importance.LOW,
                    "Most uncompressed bytes in one push request. Loki fails requests over 4 MB (gRPC message size) and over its 6 MB "
                            + "burst forever, so the range stops at 3 MB; a single entry is at most 256 KB plus metadata.",
                    BATCHING, 2, Width.SHORT, "Max bytes per push")
            .define(CONCURRENCY_CONFIG, Type.INT, 4, ConfigDef.Range.between(1, 64), Importance.LOW,
                    "Push requests in flight at once per task (one stream per request, so Loki's answer covers every entry).",
                    BATCHING, 4, Width.SHORT, "Concurrent pushes")
            .define(RETRY_MAX_CONFIG, Type.INT, 5, ConfigDef.Range.between(0, 100), Importance.LOW,
                    "Retries of a push that got 429, 5xx or no answer, before the batch is handed back to Connect to redeliver.",
                    BATCHING, 5, Width.SHORT, "Max retries")
            .define(RETRY_BACKOFF_INITIAL_MS_CONFIG, Type.INT, 250, ConfigDef.Range.between(1, 60_000), Importance.LOW,
                    "The longest wait before the first retry; doubles with each retry. Each wait is drawn at random between 0 and that ceiling (full jitter).",
                    BATCHING, 6, Width.SHORT, "Initial backoff (ms)")
            .define(RETRY_BACKOFF_MAX_MS_CONFIG, Type.INT, 10_000, ConfigDef.Range.between(1, 600_000), Importance.LOW,
                    "Longest wait between retries.", BATCHING, 7, Width.SHORT, "Max backoff (ms)")
            .define(METRICS_PORT_CONFIG, Type.INT, -1, ConfigDef.Range.between(-1, 65_535), Importance.LOW,
                    "Port on which the worker serves the sink's meters (pushes by answer, retries, entries dead-lettered) and the JVM's "
                            + "at GET /metrics for Prometheus, on all interfaces; -1: none (agent-telemetry up shows them at its own /metrics). "
                            + "Every task of a worker shares the one endpoint.",
                    BATCHING, 8, Width.SHORT, "Metrics port");

    public LokiSinkConfig(Map<String, String> props) {
        this(props, true);
    }

    /** @param strict whether problems between settings stop the start (the connector's validate() reports them instead) */
    public LokiSinkConfig(Map<String, String> props, boolean strict) {
        super(CONFIG_DEF, props);
        List<String[]> problems = strict ? crossFieldProblems() : List.of();
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.get(0)[0], get(problems.get(0)[0]) instanceof Password ? "[hidden]" : get(problems.get(0)[0]),
                    problems.get(0)[1]);
        }
    }

    /** Problems between settings, as {key, message}: each is reported on the key to change. */
    public List<String[]> crossFieldProblems() {
        List<String[]> problems = new ArrayList<>();
        boolean basic = !getString(BASIC_USER_CONFIG).isEmpty();
        if (basic && !getPassword(BEARER_TOKEN_CONFIG).value().isEmpty()) {
            problems.add(new String[]{BEARER_TOKEN_CONFIG, "set either basic authentication or a bearer token, not both"});
        }
        if (basic != !getPassword(BASIC_PASSWORD_CONFIG).value().isEmpty()) {
            problems.add(new String[]{basic ? BASIC_PASSWORD_CONFIG : BASIC_USER_CONFIG, "basic authentication needs both "
                    + BASIC_USER_CONFIG + " and " + BASIC_PASSWORD_CONFIG});
        }
        String truststore = getString(TRUSTSTORE_PATH_CONFIG);
        if (!truststore.isEmpty() && !Files.isReadable(Path.of(truststore))) {
            problems.add(new String[]{TRUSTSTORE_PATH_CONFIG, "no readable file at " + truststore});
        }
        if (getInt(RETRY_BACKOFF_INITIAL_MS_CONFIG) > getInt(RETRY_BACKOFF_MAX_MS_CONFIG)) {
            problems.add(new String[]{RETRY_BACKOFF_INITIAL_MS_CONFIG, "must not exceed " + RETRY_BACKOFF_MAX_MS_CONFIG});
        }
        return problems;
    }

    public URI pushUri() {
        return URI.create(getString(LOKI_URL_CONFIG).trim().replaceAll("/+$", "") + "/loki/api/v1/push");
    }

    public String tenant() {
        return getString(LOKI_TENANT_CONFIG);
    }

    /** The Authorization header value, if authentication is configured. */
    public Optional<String> authorization() {
        String user = getString(BASIC_USER_CONFIG);
        if (!user.isEmpty()) {
            String credentials = user + ":" + getPassword(BASIC_PASSWORD_CONFIG).value();
            return Optional.of("Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        String token = getPassword(BEARER_TOKEN_CONFIG).value();
        return token.isEmpty() ? Optional.empty() : Optional.of("Bearer " + token);
    }

    /** TLS settings when a trust store is configured. */
    public Optional<SSLContext> sslContext() {
        String path = getString(TRUSTSTORE_PATH_CONFIG);
        if (path.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            KeyStore store = KeyStore.getInstance(getString(TRUSTSTORE_TYPE_CONFIG));
            store.load(in, getPassword(TRUSTSTORE_PASSWORD_CONFIG).value().toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return Optional.of(context);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(TRUSTSTORE_PATH_CONFIG, path, "cannot load the trust store: " + e.getMessage());
        }
    }

    public String schemaRegistryUrl() {
        return getString(SCHEMA_REGISTRY_URL_CONFIG);
    }

    public Duration requestTimeout() {
        return Duration.ofMillis(getInt(REQUEST_TIMEOUT_MS_CONFIG));
    }

    public PushEncoding encoding() {
        return PushEncoding.valueOf(getString(ENCODING_CONFIG).toUpperCase(Locale.ROOT));
    }

    /** Record field → label name. */
    public Map<String, String> fieldLabels() {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String entry : getList(LABELS_CONFIG)) {
            int colon = entry.indexOf(':');
            labels.put(colon < 0 ? entry.trim() : entry.substring(0, colon).trim(), colon < 0 ? entry.trim() : entry.substring(colon + 1).trim());
        }
        return labels;
    }

    public List<String> metadataFields() {
        return getList(METADATA_CONFIG).stream().map(String::trim).toList();
    }

    public Duration maxEntryAge() {
        return Duration.ofMillis(getLong(MAX_ENTRY_AGE_MS_CONFIG));
    }

    public int batchMaxRecords() {
        return getInt(BATCH_MAX_RECORDS_CONFIG);
    }

    public int batchMaxBytes() {
        return getInt(BATCH_MAX_BYTES_CONFIG);
    }

    public int concurrency() {
        return getInt(CONCURRENCY_CONFIG);
    }

    /** The port of the worker's /metrics endpoint, if one is wanted. */
    public java.util.OptionalInt metricsPort() {
        int port = getInt(METRICS_PORT_CONFIG);
        return port < 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(port);
    }

    public RetryPolicy retryPolicy() {
        int initial = getInt(RETRY_BACKOFF_INITIAL_MS_CONFIG);
        return RetryPolicy.of(getInt(RETRY_MAX_CONFIG), Duration.ofMillis(initial), Duration.ofMillis(Math.max(initial, getInt(RETRY_BACKOFF_MAX_MS_CONFIG))));
    }

    /** The configuration reference (docs/sink-loki-configuration.md), generated from the ConfigDef so it cannot drift. */
    public static String reference() {
        StringBuilder doc = new StringBuilder("# sink-loki configuration reference\n\n")
                .append("Generated from `LokiSinkConfig.CONFIG_DEF` (a test fails when this file is out of date). Besides these, the usual ")
                .append("Connect sink settings apply: `connector.class=dev.agenttelemetry.sink.loki.LokiSinkConnector`, `topics`, `tasks.max`, ")
                .append("`value.converter=org.apache.kafka.connect.converters.ByteArrayConverter`, and `errors.tolerance=all` with ")
                .append("`errors.deadletterqueue.topic.name` for records Loki refuses.\n");
        String group = null;
        for (ConfigDef.ConfigKey key : CONFIG_DEF.configKeys().values().stream()
                .sorted(java.util.Comparator.comparing((ConfigDef.ConfigKey k) -> k.group).thenComparingInt(k -> k.orderInGroup)).toList()) {
            if (!key.group.equals(group)) {
                group = key.group;
                doc.append("\n## ").append(group).append("\n\n| key | type | default | valid values | importance | description |\n|---|---|---|---|---|---|\n");
            }
            String defaultValue = !key.hasDefault() ? "(required)" : key.defaultValue == null ? "" : key.type == Type.PASSWORD ? "" 
                    : key.type == Type.LIST ? String.join(",", (List<String>) key.defaultValue) : String.valueOf(key.defaultValue);
            doc.append("| `").append(key.name).append("` | ").append(key.type.name().toLowerCase(Locale.ROOT)).append(" | ")
                    .append(defaultValue.isEmpty() ? "" : "`" + defaultValue + "`").append(" | ")
                    .append(key.validator == null ? "" : key.validator.toString().replace("|", "\\|")).append(" | ")
                    .append(key.importance.name().toLowerCase(Locale.ROOT)).append(" | ").append(key.documentation.replace("|", "\\|")).append(" |\n");
        }
        return doc.toString();
    }

    /** A validator that describes itself in the configuration reference. */
    private static ConfigDef.Validator described(String description, java.util.function.BiConsumer<String, Object> check) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                check.accept(name, value);
            }

            @Override
            public String toString() {
                return description;
            }
        };
    }

    private static void validateUrl(String name, Object value) {
        if (value == null) {
            return; // a missing required value is reported by ConfigDef itself
        }
        String text = value.toString().trim();
        try {
            URI uri = URI.create(text);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new ConfigException(name, value, "must be an http:// or https:// URL with a host, e.g. "
                + (name.equals(LOKI_URL_CONFIG) ? "http://127.0.0.1:3100" : "http://127.0.0.1:8081"));
    }

    private static void validateLabels(String name, Object value) {
        List<?> entries = (List<?>) value;
        if (entries.size() > MAX_FIELD_LABELS) {
            throw new ConfigException(name, value, "at most " + MAX_FIELD_LABELS + " fields: Loki allows 15 labels and service and kind "
                    + "are always set");
        }
        for (Object entry : entries) {
            String text = entry.toString().trim();
            String label = text.contains(":") ? text.substring(text.indexOf(':') + 1).trim() : text;
            if (text.isEmpty() || !label.matches("[a-zA-Z_][a-zA-Z0-9_]*") || text.startsWith(":")) {
                throw new ConfigException(name, value, "'" + text + "' is not field or field:label with a label of letters, digits and _");
            }
            if (label.equals("service") || label.equals("kind")) {
                throw new ConfigException(name, value, "label '" + label + "' is set by the connector itself");
            }
        }
    }

    private static void validateMetadata(String name, Object value) {
        List<?> entries = (List<?>) value;
        if (entries.size() > 20) {
            throw new ConfigException(name, value, "at most 20 fields (Loki allows 128 structured metadata entries of 64 KB in all)");
        }
    }
}
