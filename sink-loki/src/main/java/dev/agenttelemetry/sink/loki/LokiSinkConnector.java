package dev.agenttelemetry.sink.loki;

import dev.agenttelemetry.sink.loki.config.LokiSinkConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** A Kafka Connect sink that pushes agent-telemetry's events, alerts and session activity to Grafana Loki. */
public final class LokiSinkConnector extends SinkConnector {
    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        new LokiSinkConfig(props); // fail at start, naming the key, rather than in every task
        this.props = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return LokiSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return Collections.nCopies(maxTasks, props);
    }

    @Override
    public void stop() {
        // nothing held: the tasks own their HTTP clients
    }

    @Override
    public ConfigDef config() {
        return LokiSinkConfig.CONFIG_DEF;
    }

    @Override
    public String version() {
        return buildVersion();
    }

    static String buildVersion() {
        try (InputStream in = LokiSinkConnector.class.getResourceAsStream("/sink-loki-version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
