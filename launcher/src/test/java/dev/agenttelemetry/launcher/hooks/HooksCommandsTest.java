package dev.agenttelemetry.launcher.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.agenttelemetry.launcher.AgentTelemetry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class HooksCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER_SETTINGS = """
            {"model": "opus", "permissions": {"allow": ["Bash(ls:*)"]},
             "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "~/bin/check.sh"}]}],
                       "Stop": [{"hooks": [{"type": "command", "command": "say done"}]}]}}""";

    @TempDir
    Path project;

    private String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = AgentTelemetry.commandLine();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute(args)).isZero();
        return out.toString();
    }

    private Path settings() {
        return project.resolve(".claude/settings.json");
    }

    @Test
    void installsBesideTheUsersHooksOnceAndUninstallsOnlyOurs() throws Exception {
        Files.createDirectories(settings().getParent());
        Files.writeString(settings(), USER_SETTINGS);

        String dryRun = run("install-hooks", "--project", project.toString(), "--dry-run");
        assertThat(dryRun).contains("would change", "+ ", "http://127.0.0.1:4180/v1/hooks", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT=http://127.0.0.1:4180/v1/logs");
        assertThat(JSON.readTree(Files.readString(settings()))).isEqualTo(JSON.readTree(USER_SETTINGS));

        run("install-hooks", "--project", project.toString());
        JsonNode installed = JSON.readTree(Files.readString(settings()));
        assertThat(installed.path("model").asText()).isEqualTo("opus");
        assertThat(installed.path("permissions")).isEqualTo(JSON.readTree(USER_SETTINGS).path("permissions"));
        JsonNode preToolUse = installed.path("hooks").path("PreToolUse");
        assertThat(preToolUse).hasSize(2);
        assertThat(preToolUse.get(0).path("hooks").get(0).path("command").asText()).isEqualTo("~/bin/check.sh");
        assertThat(preToolUse.get(1).path("matcher").asText()).isEqualTo("*");
        assertThat(preToolUse.get(1).path("hooks").get(0).path("type").asText()).isEqualTo("http");
        for (String event : HookSettings.HTTP_EVENTS) {
            assertThat(installed.path("hooks").has(event)).as(event).isTrue();
        }
        assertThat(installed.path("hooks").path("Stop")).hasSize(2);
        assertThat(installed.path("hooks").path("SessionStart").get(0).path("hooks").get(0).path("type").asText()).isEqualTo("command");
        assertThat(project.resolve(".claude/settings.json.agent-telemetry.bak")).hasContent(USER_SETTINGS);

        String before = Files.readString(settings());
        assertThat(run("install-hooks", "--project", project.toString())).contains("already up to date");
        assertThat(Files.readString(settings())).isEqualTo(before);

        run("uninstall-hooks", "--project", project.toString());
        assertThat(JSON.readTree(Files.readString(settings()))).isEqualTo(JSON.readTree(USER_SETTINGS));
    }

    @Test
    void sendsTheCollectorsTokenFromAnEnvironmentVariable() throws Exception {
        run("install-hooks", "--project", project.toString(), "--token-env", "AT_TOKEN", "--url", "http://10.1.2.3:4180/v1/hooks");
        JsonNode hook = JSON.readTree(Files.readString(settings())).path("hooks").path("Stop").get(0).path("hooks").get(0);
        assertThat(hook.path("url").asText()).isEqualTo("http://10.1.2.3:4180/v1/hooks");
        assertThat(hook.path("headers").path("Authorization").asText()).isEqualTo("Bearer $AT_TOKEN");
        assertThat(hook.path("allowedEnvVars").get(0).asText()).isEqualTo("AT_TOKEN");
    }

    @Test
    void theSessionStartHookPostsThePayloadOrKeepsItInTheFallbackFile() throws Exception {
        Path fallback = project.resolve("data/collector/fallback.ndjson");
        List<String> received = new ArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/hooks", exchange -> {
            synchronized (received) {
                received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        String payload = "{\"session_id\":\"ss-1\",\"hook_event_name\":\"SessionStart\",\n \"source\":\"startup\"}";
        try {
            String up = sessionStartCommand("http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/hooks", fallback);
            assertThat(runShell(up, payload)).isZero();
            assertThat(received).containsExactly(payload);
            assertThat(fallback).doesNotExist();
        } finally {
            collector.stop(0);
        }
        String down = sessionStartCommand("http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/hooks", fallback);
        assertThat(runShell(down, payload)).as("never fails the session").isZero();
        String line = Files.readString(fallback).strip();
        assertThat(line).matches("\\d{13}\\t\\{.*\\}");
        assertThat(JSON.readTree(line.substring(line.indexOf('\t') + 1)).path("session_id").asText()).isEqualTo("ss-1");
    }

    private static String sessionStartCommand(String url, Path fallback) {
        return HookSettings.sessionStartCommand(new HookSettings.Target(url, 2, java.util.Optional.empty(), fallback));
    }

    private static int runShell(String command, String stdin) throws Exception {
        Process process = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }
}
