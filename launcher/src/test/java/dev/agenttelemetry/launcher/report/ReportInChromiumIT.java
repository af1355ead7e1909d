package dev.agenttelemetry.launcher.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.avro.OtlpLogRecord;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.avro.SessionActivity;
import dev.agenttelemetry.avro.Severity;
import dev.agenttelemetry.avro.ToolOutcome;
import dev.agenttelemetry.avro.ToolPairing;
import dev.agenttelemetry.testkit.TestKafka;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTML report as a person sees it: rendered by headless Chromium (Debian's {@code chromium}, which
 * {@code .ci/run} installs), every chart is drawn at its size with its bars, and nothing on the page is a script.
 */
class ReportInChromiumIT {
    private static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    /** Measures what Chromium drew and writes it into the page, for --dump-dom to print. Added to a copy of the report only. */
    private static final String MEASURE = """
            <script>
            const charts = [...document.querySelectorAll('svg.chart')].map(svg => {
              const box = svg.getBoundingClientRect();
              const bars = [...svg.querySelectorAll('rect')].filter(r => r.getBoundingClientRect().height > 0 && r.getBoundingClientRect().width > 0);
              return {title: svg.getAttribute('aria-label'), width: box.width, height: box.height, bars: bars.length};
            });
            const pre = document.createElement('pre');
            pre.id = 'measured';
            pre.textContent = JSON.stringify(charts);
            document.body.appendChild(pre);
            </script>
            """;

    @Test
    void chartsAreDrawnWithTheirBarsAndTheDatesAreTheReaders() throws Exception {
        Path chromium = chromium();
        Instant to = Instant.parse("2026-12-06T18:00:00Z");
        Instant from = to.minus(Duration.ofDays(7));
        String html = ReportWriter.html(report(from, to));
        assertThat(html).doesNotContain("<script").contains("<title>Agent telemetry report, Sun 29 Nov – Sun 6 Dec 2026</title>", "Mon 30 Nov");

        Path dir = TestKafka.workDir("report-chromium-");
        Path page = dir.resolve("report.html");
        Files.writeString(page, html.replace("</body>", MEASURE + "</body>"));
        Process browser = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--user-data-dir=" + dir.resolve("profile"), "--window-size=1280,4000", "--dump-dom", page.toUri().toString())
                .redirectError(dir.resolve("chromium.log").toFile()).start();
        String dom = new String(browser.getInputStream().readAllBytes());
        assertThat(browser.waitFor(120, TimeUnit.SECONDS)).isTrue();
        Matcher measured = Pattern.compile("<pre id=\"measured\">(.*?)</pre>", Pattern.DOTALL).matcher(dom);
        assertThat(measured.find()).as("Chromium ran the measuring script; its log: " + Files.readString(dir.resolve("chromium.log"))).isTrue();
        JsonNode charts = new ObjectMapper().readTree(measured.group(1).replace("&quot;", "\"").replace("&amp;", "&"));
        List<String> titles = new ArrayList<>();
        charts.forEach(chart -> titles.add(chart.path("title").asText()));
        assertThat(titles).containsExactly("Events per day, by type", "Tool calls and failures, by tool", "Alerts per day, by severity",
                "Sessions by risk category", "Tokens per day", "Cost per day, by model (USD)");
        for (JsonNode chart : charts) {
            assertThat(chart.path("width").asDouble()).as(chart.path("title").asText()).isEqualTo(720);
            assertThat(chart.path("height").asDouble()).as(chart.path("title").asText()).isGreaterThan(100);
            assertThat(chart.path("bars").asInt()).as(chart.path("title").asText() + ": bars drawn (legend swatches included)").isGreaterThan(1);
        }
        assertThat(Files.readString(dir.resolve("chromium.log"))).doesNotContain("Uncaught");
    }

    /** A week of made-up activity: events every day, a failing tool, alerts of each severity, sessions at each risk, telemetry. */
    private static Report report(Instant from, Instant to) {
        List<AgentEvent> events = new ArrayList<>();
        List<SecurityAlert> alerts = new ArrayList<>();
        List<SessionActivity> sessions = new ArrayList<>();
        List<OtlpLogRecord> telemetry = new ArrayList<>();
        Severity[] severities = Severity.values();
        for (int day = 0; day < 7; day++) {
            Instant at = from.plus(Duration.ofDays(day)).plus(Duration.ofHours(2));
            String session = "s" + day;
            for (int i = 0; i < 3 + day; i++) {
                AgentEvent.Builder event = AgentEvent.newBuilder().setSource("claude-code").setSessionId(session).setProjectName("shop").setHash("h")
                        .setReceivedAt(at.plusSeconds(i)).setEventId(session + "-" + i).setHookEventName("PreToolUse").setPayload("{}")
                        .setEventType(i % 2 == 0 ? EventType.command_execution : EventType.file_read).setToolName(i % 2 == 0 ? "Bash" : "Read");
                events.add(event.build());
            }
            events.add(AgentEvent.newBuilder().setSource("claude-code").setSessionId(session).setProjectName("shop").setHash("h").setReceivedAt(at)
                    .setEventId(session + "-failed").setHookEventName("PostToolUseFailure").setEventType(EventType.command_execution).setToolName("Bash")
                    .setPayload("{}").setPairing(new ToolPairing(session + "-0", 900L, ToolOutcome.failure, "exit 1")).build());
            alerts.add(SecurityAlert.newBuilder().setAlertId("a" + day).setRuleId("destructive_command").setTitle("t").setSeverity(severities[day % 4])
                    .setSessionId(session).setEvidence("rm -rf /").setFirstSeen(at).setLastSeen(at).build());
            sessions.add(SessionActivity.newBuilder().setSessionId(session).setWindowKind("session").setWindowStart(at).setWindowEnd(at)
                    .setLastEventAt(at).setEventCount(3 + day).setToolCalls(3 + day).setRiskScore(day / 7.0).setRiskCategory(severities[day % 4])
                    .setProjectName("shop").build());
            telemetry.add(OtlpLogRecord.newBuilder().setEventId("o" + day).setReceivedAt(at).setSessionId(session).setEventName("claude_code.api_request")
                    .setTimeUnixNano(0).setObservedTimeUnixNano(0).setSeverityNumber(9)
                    .setAttributes(Map.of("cost_usd", "0.0" + (day + 1), "input_tokens", "1200", "output_tokens", "300", "model", "claude-sonnet-4-5")).build());
        }
        return Report.of(from, to, ZONE, events, alerts, sessions, telemetry);
    }

    /** Debian's chromium, or the browser CHROMIUM_BIN names; the test says how to get one rather than skip. */
    private static Path chromium() {
        Optional<Path> binary = Optional.ofNullable(System.getenv("CHROMIUM_BIN")).map(Path::of)
                .or(() -> Optional.of(Path.of("/usr/bin/chromium")).filter(Files::isExecutable));
        assertThat(binary).as("a headless browser: apt-get install chromium (as .ci/run does), or set CHROMIUM_BIN").isPresent();
        return binary.get();
    }
}
