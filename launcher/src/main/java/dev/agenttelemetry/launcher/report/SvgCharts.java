package dev.agenttelemetry.launcher.report;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Charts as inline SVG, so the HTML report is one file that needs no script and no network: stacked bars per
 * day, and horizontal bars per name. Each chart has a title, axis labels, a legend and an accessible name.
 */
final class SvgCharts {
    /** The reader's terms: {@code Mon 30 Nov}. */
    static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM", Locale.ENGLISH);
    private static final String[] PALETTE = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
    private static final int WIDTH = 720;
    private static final int PLOT_TOP = 30;
    private static final int PLOT_LEFT = 60;
    private static final int PLOT_HEIGHT = 200;
    private static final int LEGEND_ROW = 18;

    private SvgCharts() {
    }

    /** One value per series and day, stacked; a day without data is an empty slot, so gaps show. */
    static String stackedByDay(String title, List<LocalDate> days, Map<LocalDate, Map<String, Double>> values, List<String> series,
                               Function<Series, String> colorOf, String unit) {
        double max = days.stream().mapToDouble(day -> values.getOrDefault(day, Map.of()).values().stream().mapToDouble(Double::doubleValue).sum())
                .max().orElse(0);
        double top = niceCeiling(max);
        int plotWidth = WIDTH - PLOT_LEFT - 20;
        double slot = days.isEmpty() ? plotWidth : (double) plotWidth / days.size();
        double barWidth = Math.max(2, slot * 0.7);
        int legendRows = (series.size() + 3) / 4;
        int height = PLOT_TOP + PLOT_HEIGHT + 40 + legendRows * LEGEND_ROW;
        StringBuilder svg = open(title, height);
        axes(svg, top, unit);
        for (int i = 0; i < days.size(); i++) {
            LocalDate day = days.get(i);
            double x = PLOT_LEFT + i * slot + (slot - barWidth) / 2;
            double y = PLOT_TOP + PLOT_HEIGHT;
            Map<String, Double> ofDay = values.getOrDefault(day, Map.of());
            for (int s = 0; s < series.size(); s++) {
                double value = ofDay.getOrDefault(series.get(s), 0.0);
                if (value <= 0) {
                    continue;
                }
                double h = top == 0 ? 0 : value / top * PLOT_HEIGHT;
                y -= h;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s, %s: %s</title></rect>",
                        x, y, barWidth, h, colorOf.apply(new Series(series.get(s), s)), escape(DAY.format(day)), escape(series.get(s)), number(value)));
            }
            if (days.size() <= 14 || i % Math.ceil(days.size() / 14.0) == 0) {
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>",
                        x + barWidth / 2, PLOT_TOP + PLOT_HEIGHT + 14, escape(DAY.format(day))));
            }
        }
        legend(svg, series, colorOf, PLOT_TOP + PLOT_HEIGHT + 34);
        return svg.append("</svg>\n").toString();
    }

    /** Bars per name (longest first as given), each with up to two values side by side: e.g. calls and failures. */
    static String horizontal(String title, List<String> names, List<String> seriesNames, List<double[]> values) {
        int row = 22;
        int labelWidth = 160;
        int height = PLOT_TOP + names.size() * row + 20 + LEGEND_ROW;
        double max = values.stream().flatMapToDouble(java.util.Arrays::stream).max().orElse(0);
        double scale = max == 0 ? 0 : (WIDTH - labelWidth - 80) / max;
        StringBuilder svg = open(title, height);
        for (int i = 0; i < names.size(); i++) {
            int y = PLOT_TOP + i * row;
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>", labelWidth - 6, y + 14,
                    escape(shorten(names.get(i), 24))));
            double[] v = values.get(i);
            double barHeight = (row - 6.0) / v.length;
            for (int s = 0; s < v.length; s++) {
                double w = v[s] * scale;
                double by = y + 2 + s * barHeight;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s, %s: %s</title></rect>",
                        labelWidth, by, w, barHeight, PALETTE[s], escape(names.get(i)), escape(seriesNames.get(s)), number(v[s])));
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\">%s</text>", labelWidth + w + 4, by + barHeight - 1,
                        number(v[s])));
            }
        }
        legend(svg, seriesNames, s -> PALETTE[s.index()], PLOT_TOP + names.size() * row + 14);
        return svg.append("</svg>\n").toString();
    }

    /** A series of a chart, for picking its colour. */
    record Series(String name, int index) {
    }

    /** The palette's colour for a series' position. */
    static String byIndex(Series series) {
        return PALETTE[series.index() % PALETTE.length];
    }

    private static StringBuilder open(String title, int height) {
        return new StringBuilder(4096).append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" aria-label=\"%s\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                        + " font-family=\"system-ui,sans-serif\"><title>%s</title>"
                        + "<text x=\"0\" y=\"16\" font-size=\"14\" font-weight=\"600\">%s</text>",
                escape(title), WIDTH, height, WIDTH, height, escape(title), escape(title)));
    }

    private static void axes(StringBuilder svg, double top, String unit) {
        for (int tick = 0; tick <= 4; tick++) {
            double value = top * tick / 4;
            double y = PLOT_TOP + PLOT_HEIGHT - (double) PLOT_HEIGHT * tick / 4;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>", PLOT_LEFT, y, WIDTH - 20, y));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%s</text>", PLOT_LEFT - 6, y + 3,
                    escape(unit + number(value))));
        }
    }

    private static void legend(StringBuilder svg, List<String> series, Function<Series, String> colorOf, int y) {
        for (int s = 0; s < series.size(); s++) {
            int x = PLOT_LEFT + (s % 4) * 165;
            int rowY = y + (s / 4) * LEGEND_ROW;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>",
                    x, rowY - 9, colorOf.apply(new Series(series.get(s), s)), x + 14, rowY, escape(shorten(series.get(s), 22))));
        }
    }

    /** 1, 2 or 5 times a power of ten, at least the value: round axis labels. */
    static double niceCeiling(double value) {
        if (value <= 0) {
            return 0;
        }
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * power >= value) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.format(Locale.ROOT, "%,d", (long) value)
                : String.format(Locale.ROOT, "%,.2f", value);
    }

    private static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Every day from the first to the last, in order. */
    static List<LocalDate> days(LocalDate first, LocalDate last) {
        List<LocalDate> days = new ArrayList<>();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            days.add(day);
        }
        return days;
    }
}
