package dev.agenttelemetry.sink.loki;

import dev.agenttelemetry.sink.loki.config.LokiSinkConfig;
import org.apache.kafka.common.config.Config;
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

    /** Per-key checks of the ConfigDef, plus the checks between keys, each reported on the key to change. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        boolean valid = config.configValues().stream().allMatch(value -> value.errorMessages().isEmpty());
        if (valid) {
            try {
                List<String[]> problems = new LokiSinkConfig(Map.copyOf(connectorConfigs), false).crossFieldProblems();
                for (String[] problem : problems) {
                    config.configValues().stream().filter(value -> value.name().equals(problem[0])).findFirst()
                            .ifPresent(value -> value.addErrorMessage(problem[1]));
                }
            } catch (org.apache.kafka.common.config.ConfigException e) {
                // already reported per key above
            }
        }
        return config;
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
