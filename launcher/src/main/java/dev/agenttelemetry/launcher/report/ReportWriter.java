package dev.agenttelemetry.launcher.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A report as Markdown, HTML (one self-contained page) or JSON. */
final class ReportWriter {
    private ReportWriter() {
    }

    /** A titled table: the unit both Markdown and HTML render. */
    private record Table(String title, List<String> header, List<List<String>> rows) {
    }

    /** The period in the reader's terms: {@code Mon 30 Nov – Sun 6 Dec 2026}. */
    static String period(Report report) {
        return SvgCharts.DAY.format(report.firstDay()) + " – " + SvgCharts.DAY.format(report.lastDay()) + " " + report.lastDay().getYear();
    }

    static String json(Report report) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode().put("from", report.from().toString()).put("to", report.to().toString())
                .put("time_zone", report.zone().getId())
                .put("sessions", report.sessions()).put("events", report.events()).put("prompts", report.prompts())
                .put("tool_calls", report.toolCalls()).put("failures", report.failures()).put("failure_rate", report.failureRate())
                .put("delegations", report.delegations()).put("delegation_share", report.delegationShare()).put("alerts", report.alerts());
        root.set("top_tools", json.valueToTree(report.tools()));
        root.set("alerts_by_severity", json.valueToTree(report.alertsBySeverity()));
        root.set("alerts_by_rule", json.valueToTree(report.alertsByRule()));
        root.set("riskiest_sessions", json.valueToTree(report.riskiest()));
        root.set("usage", json.valueToTree(report.usage()));
        ObjectNode daily = root.putObject("daily");
        daily.set("events_by_type", json.valueToTree(report.daily().eventsByType()));
        daily.set("alerts_by_severity", json.valueToTree(report.daily().alertsBySeverity()));
        daily.set("tokens", json.valueToTree(report.daily().tokens()));
        daily.set("cost_usd", json.valueToTree(report.daily().costUsd()));
        root.set("sessions_by_risk", json.valueToTree(report.daily().sessionsByRisk()));
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }

    static String markdown(Report report) {
        StringBuilder out = new StringBuilder("# Agent telemetry report, ").append(period(report)).append("\n\n")
                .append(report.from()).append(" to ").append(report.to()).append(" (").append(report.zone().getId()).append(")\n\n");
        for (Table table : tables(report)) {
            out.append("## ").append(table.title()).append("\n\n");
            if (table.rows().isEmpty()) {
                out.append("None.\n\n");
                continue;
            }
            out.append("| ").append(String.join(" | ", table.header())).append(" |\n|").append("---|".repeat(table.header().size())).append('\n');
            table.rows().forEach(row -> out.append("| ").append(String.join(" | ", row.stream().map(c -> c.replace("|", "\\|").replace("\n", " ")).toList()))
                    .append(" |\n"));
            out.append('\n');
        }
        return out.toString();
    }

    static String html(Report report) {
        String title = "Agent telemetry report, " + period(report);
        StringBuilder out = new StringBuilder("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>").append(escape(title)).append("</title>\n"
                + "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin-bottom:1.5em}"
                + "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}th{background:#f4f4f4}svg.chart{display:block;margin:1em 0 2em}</style>"
                + "</head><body>\n<h1>").append(escape(title)).append("</h1>\n<p>").append(escape(report.from() + " to " + report.to()
                + ", days in " + report.zone().getId())).append("</p>\n");
        charts(report).forEach(out::append);
        for (Table table : tables(report)) {
            out.append("<h2>").append(escape(table.title())).append("</h2>\n");
            if (table.rows().isEmpty()) {
                out.append("<p>None.</p>\n");
                continue;
            }
            out.append("<table><tr>");
            table.header().forEach(h -> out.append("<th>").append(escape(h)).append("</th>"));
            out.append("</tr>\n");
            for (List<String> row : table.rows()) {
                out.append("<tr>");
                row.forEach(cell -> out.append("<td>").append(escape(cell)).append("</td>"));
                out.append("</tr>\n");
            }
            out.append("</table>\n");
        }
        return out.append("</body></html>\n").toString();
    }

    private static final Map<String, String> SEVERITY_COLORS = Map.of("critical", "#b2182b", "high", "#ef8a62", "medium", "#f6c141", "low", "#67a9cf");
    private static final List<String> SEVERITIES = List.of("critical", "high", "medium", "low");

    /** The charts of the HTML report; tokens and cost only when Claude Code's telemetry is there. */
    private static List<String> charts(Report r) {
        List<java.time.LocalDate> days = SvgCharts.days(r.firstDay(), r.lastDay());
        Report.Daily daily = r.daily();
        List<String> charts = new ArrayList<>();
        List<String> types = daily.eventsByType().values().stream().flatMap(m -> m.keySet().stream()).distinct().sorted().toList();
        charts.add(SvgCharts.stackedByDay("Events per day, by type", days, daily.eventsByType(), types, SvgCharts::byIndex, ""));
        charts.add(SvgCharts.horizontal("Tool calls and failures, by tool", r.tools().stream().map(Report.ToolRow::tool).toList(),
                List.of("calls", "failures"), r.tools().stream().map(t -> new double[] {t.calls(), t.failures()}).toList()));
        charts.add(SvgCharts.stackedByDay("Alerts per day, by severity", days, daily.alertsBySeverity(), SEVERITIES,
                series -> SEVERITY_COLORS.get(series.name()), ""));
        List<String> categories = List.of("critical", "high", "medium", "low").stream().filter(daily.sessionsByRisk()::containsKey).toList();
        charts.add(SvgCharts.horizontal("Sessions by risk category", categories, List.of("sessions"),
                categories.stream().map(c -> new double[] {daily.sessionsByRisk().get(c)}).toList()));
        if (r.usage().requests() > 0) {
            charts.add(SvgCharts.stackedByDay("Tokens per day", days, daily.tokens(), List.of("input", "output", "cache read"), SvgCharts::byIndex, ""));
            List<String> models = daily.costUsd().values().stream().flatMap(m -> m.keySet().stream()).distinct().sorted().toList();
            charts.add(SvgCharts.stackedByDay("Cost per day, by model (USD)", days, daily.costUsd(), models, SvgCharts::byIndex, "$"));
        }
        return charts;
    }

    private static List<Table> tables(Report r) {
        List<Table> tables = new ArrayList<>();
        tables.add(new Table("Activity", List.of("measure", "value"), List.of(
                List.of("sessions", Long.toString(r.sessions())), List.of("events", Long.toString(r.events())),
                List.of("prompts", Long.toString(r.prompts())), List.of("tool calls", Long.toString(r.toolCalls())),
                List.of("failed tool calls", r.failures() + " (" + percent(r.failureRate()) + ")"),
                List.of("delegated to sub-agents", r.delegations() + " (" + percent(r.delegationShare()) + " of tool calls)"),
                List.of("alerts", Long.toString(r.alerts())))));
        tables.add(new Table("Top tools", List.of("tool", "calls", "failures"),
                r.tools().stream().map(t -> List.of(t.tool(), Long.toString(t.calls()), Long.toString(t.failures()))).toList()));
        List<List<String>> alertRows = new ArrayList<>();
        r.alertsBySeverity().forEach((severity, count) -> alertRows.add(List.of("severity", severity, Long.toString(count))));
        r.alertsByRule().forEach((rule, count) -> alertRows.add(List.of("rule", rule, Long.toString(count))));
        tables.add(new Table("Alerts", List.of("by", "value", "alerts"), alertRows));
        tables.add(new Table("Riskiest sessions", List.of("session", "project", "risk", "category", "tool calls", "alerts"),
                r.riskiest().stream().map(s -> List.of(s.session(), s.project() == null ? "" : s.project(), String.format(Locale.ROOT, "%.2f", s.score()),
                        s.category(), Long.toString(s.toolCalls()), Long.toString(s.alerts()))).toList()));
        Report.Usage u = r.usage();
        if (u.requests() > 0) {
            List<List<String>> usage = new ArrayList<>(List.of(List.of("API requests", Long.toString(u.requests())),
                    List.of("cost", String.format(Locale.ROOT, "$%.4f", u.costUsd())), List.of("input tokens", Long.toString(u.inputTokens())),
                    List.of("output tokens", Long.toString(u.outputTokens())), List.of("cache read tokens", Long.toString(u.cacheReadTokens())),
                    List.of("prompts matched to hook events", Long.toString(u.promptsMatched()))));
            for (Map.Entry<String, Double> model : u.costByModel().entrySet()) {
                usage.add(List.of("cost, " + model.getKey(), String.format(Locale.ROOT, "$%.4f", model.getValue())));
            }
            tables.add(new Table("Tokens and cost (Claude Code telemetry)", List.of("measure", "value"), usage));
            tables.add(new Table("Costliest prompts", List.of("session", "prompt (masked preview)", "cost", "API requests"),
                    u.costliestPrompts().stream().map(p -> List.of(p.session(), p.preview(), String.format(Locale.ROOT, "$%.4f", p.costUsd()),
                            Long.toString(p.requests()))).toList()));
        } else {
            tables.add(new Table("Tokens and cost (Claude Code telemetry)", List.of("measure", "value"), List.of(
                    List.of("OTLP telemetry", "none in this period: enable it with the variables install-hooks prints"))));
        }
        return tables;
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * share);
    }

    private static String escape(String text) {
        return SvgCharts.escape(text);
    }
}
