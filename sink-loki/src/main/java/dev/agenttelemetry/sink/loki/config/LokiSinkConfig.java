package dev.agenttelemetry.sink.loki.config;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** The connector's settings, with a doc, a default and a validator for each key. */
public final class LokiSinkConfig extends AbstractConfig {
    private static final String GROUP_CONNECTION = "Connection";
    private static final String GROUP_RECORDS = "Records";
    private static final String GROUP_BATCHING = "Batching";

    public static final String LOKI_URL_CONFIG = "loki.url";
    private static final String LOKI_URL_DOC = "Base URL of Grafana Loki, e.g. http://127.0.0.1:3100; entries are pushed to <url>/loki/api/v1/push.";

    public static final String LOKI_TENANT_CONFIG = "loki.tenant";
    private static final String LOKI_TENANT_DOC = "Tenant sent as X-Scope-OrgID, for a Loki with auth_enabled. Empty: no header.";

    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
    private static final String SCHEMA_REGISTRY_URL_DOC = "Schema Registry that holds the Avro schemas of the records (Confluent wire format).";

    public static final String REQUEST_TIMEOUT_MS_CONFIG = "loki.request.timeout.ms";
    private static final String REQUEST_TIMEOUT_MS_DOC = "How long one push request may take before it counts as failed and is retried.";
    private static final int REQUEST_TIMEOUT_MS_DEFAULT = 10_000;

    public static final String BATCH_MAX_RECORDS_CONFIG = "batch.max.records";
    private static final String BATCH_MAX_RECORDS_DOC = "Most log entries in one push request.";
    private static final int BATCH_MAX_RECORDS_DEFAULT = 1_000;

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(LOKI_URL_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, LokiSinkConfig::validateUrl, Importance.HIGH,
                    LOKI_URL_DOC, GROUP_CONNECTION, 1, ConfigDef.Width.LONG, "Loki URL")
            .define(LOKI_TENANT_CONFIG, Type.STRING, "", Importance.MEDIUM, LOKI_TENANT_DOC,
                    GROUP_CONNECTION, 2, ConfigDef.Width.MEDIUM, "Tenant")
            .define(REQUEST_TIMEOUT_MS_CONFIG, Type.INT, REQUEST_TIMEOUT_MS_DEFAULT, ConfigDef.Range.between(100, 300_000),
                    Importance.LOW, REQUEST_TIMEOUT_MS_DOC, GROUP_CONNECTION, 3, ConfigDef.Width.SHORT, "Request timeout (ms)")
            .define(SCHEMA_REGISTRY_URL_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, LokiSinkConfig::validateUrl, Importance.HIGH,
                    SCHEMA_REGISTRY_URL_DOC, GROUP_RECORDS, 1, ConfigDef.Width.LONG, "Schema Registry URL")
            .define(BATCH_MAX_RECORDS_CONFIG, Type.INT, BATCH_MAX_RECORDS_DEFAULT, ConfigDef.Range.between(1, 100_000),
                    Importance.LOW, BATCH_MAX_RECORDS_DOC, GROUP_BATCHING, 1, ConfigDef.Width.SHORT, "Max records per push");

    public LokiSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    public URI pushUri() {
        return URI.create(getString(LOKI_URL_CONFIG).replaceAll("/+$", "") + "/loki/api/v1/push");
    }

    public String tenant() {
        return getString(LOKI_TENANT_CONFIG);
    }

    public String schemaRegistryUrl() {
        return getString(SCHEMA_REGISTRY_URL_CONFIG);
    }

    public Duration requestTimeout() {
        return Duration.ofMillis(getInt(REQUEST_TIMEOUT_MS_CONFIG));
    }

    public int batchMaxRecords() {
        return getInt(BATCH_MAX_RECORDS_CONFIG);
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
}
