package dev.agenttelemetry.launcher.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tests need no container engine, so the compose file is read rather than run: no host networking (Docker Desktop
 * has none by default), only loopback ports on the host, the collector on all interfaces of its container with the
 * bearer token from .env, Prometheus scraping what the services serve, and every file it mounts present. Where a
 * Docker CLI with compose exists, {@code docker compose config} must accept it too.
 */
class ComposeFileTest {
    private static final Path ROOT = Path.of("..");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> services() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        return (Map<String, Object>) compose.get("services");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(String name) throws IOException {
        Map<String, Object> service = (Map<String, Object>) services().get(name);
        assertThat(service).as("service " + name).isNotNull();
        return service;
    }

    @Test
    @SuppressWarnings("unchecked")
    void noServiceUsesTheHostNetworkAndOnlyLoopbackPortsArePublished() throws IOException {
        for (Map.Entry<String, Object> entry : services().entrySet()) {
            Map<String, Object> service = (Map<String, Object>) entry.getValue();
            assertThat(service).as(entry.getKey()).doesNotContainKey("network_mode");
            for (Object port : (List<Object>) service.getOrDefault("ports", List.of())) {
                assertThat(port.toString()).as(entry.getKey() + " port").startsWith("127.0.0.1:");
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theCollectorListensInItsContainerWithTheTokenFromDotEnv() throws IOException {
        Map<String, Object> telemetry = service("agent-telemetry");
        assertThat((List<Object>) telemetry.get("ports")).contains("127.0.0.1:4180:4180");
        Map<String, Object> environment = (Map<String, Object>) telemetry.get("environment");
        assertThat(environment.get("AGENT_TELEMETRY_COLLECTOR_HOST")).isEqualTo("0.0.0.0");
        assertThat(environment.get("AGENT_TELEMETRY_COLLECTOR_AUTH_TOKEN").toString()).startsWith("${AGENT_TELEMETRY_TOKEN:?");
        assertThat((List<Object>) telemetry.get("command")).contains("--bootstrap-servers=kafka:19092", "--schema-registry-url=http://schema-registry:8081");
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusScrapesTheMetricsTheServicesServeAndGrafanaHasItAsADataSource() throws IOException {
        List<Object> volumes = (List<Object>) service("prometheus").get("volumes");
        assertThat(volumes).contains("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
        String prometheus = Files.readString(ROOT.resolve("deploy/prometheus/prometheus.yml"));
        assertThat(prometheus).contains("agent-telemetry:4180", "connect:9468");
        JsonNode connector = new ObjectMapper().readTree(ROOT.resolve("sink-loki/src/main/dist/loki-sink-connector.json").toFile());
        assertThat(connector.path("config").path("metrics.port").asText()).as("the Loki sink serves what Prometheus scrapes").isEqualTo("9468");
        Map<String, Object> datasources = new Yaml().load(Files.readString(ROOT.resolve("deploy/grafana/provisioning/datasources/prometheus.yml")));
        assertThat(datasources.toString()).contains("uid=agent-telemetry-prometheus", "url=http://prometheus:9090");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyMountedFileExists() throws IOException {
        for (Map.Entry<String, Object> entry : services().entrySet()) {
            for (Object volume : (List<Object>) ((Map<String, Object>) entry.getValue()).getOrDefault("volumes", List.of())) {
                String source = volume.toString().split(":")[0];
                if (source.startsWith("./")) {
                    assertThat(ROOT.resolve(source)).as(entry.getKey() + " mounts " + source).exists();
                }
            }
        }
    }

    @Test
    void dockerComposeAcceptsTheFileWhereItIsInstalled() throws Exception {
        Process version;
        try {
            version = new ProcessBuilder("docker", "compose", "version").redirectErrorStream(true).start();
        } catch (IOException e) {
            return; // no Docker CLI: the checks above are what there is
        }
        if (!version.waitFor(30, TimeUnit.SECONDS) || version.exitValue() != 0) {
            return; // a Docker CLI without the compose plugin
        }
        ProcessBuilder config = new ProcessBuilder("docker", "compose", "config", "--quiet").directory(ROOT.toFile()).redirectErrorStream(true);
        config.environment().put("AGENT_TELEMETRY_TOKEN", "test-token");
        Process check = config.start();
        String output = new String(check.getInputStream().readAllBytes());
        assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(output).isZero();
    }
}
