package dev.agenttelemetry.dispatch;

import dev.agenttelemetry.avro.Severity;
import dev.agenttelemetry.config.Durations;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dispatcher's file: channels (console, webhook, slack, email), routes from severity to channels, a
 * rate limit per channel and retries. {@code ${env:NAME}} in any value is replaced by that environment
 * variable, so secrets stay out of the file. Every problem is reported with where it is.
 *
 * <pre>
 * channels:
 *   - {name: console, type: console}
 *   - {name: team, type: slack, url: "${env:SLACK_WEBHOOK_URL}"}
 *   - {name: siem, type: webhook, url: https://siem.example/alerts, headers: {Authorization: "Bearer ${env:SIEM_TOKEN}"}}
 *   - name: oncall
 *     type: email
 *     smtp: {host: smtp.example.com, port: 587, starttls: true, username: alerts, password: "${env:SMTP_PASSWORD}"}
 *     # or ssl: true for TLS from the start (port 465); starttls: false only for a relay on localhost
 *     from: alerts@example.com
 *     to: [oncall@example.com]
 * routes:
 *   - {min_severity: critical, channels: [oncall, team]}
 *   - {min_severity: medium, channels: [team]}
 *   - {channels: [console]}
 * rate_limit: {per_channel: 30, per: 1m}
 * retries: {max: 5, backoff: 1s}
 * </pre>
 */
public record DispatchConfig(List<Channel> channels, List<Route> routes, int ratePerChannel, Duration ratePeriod, int maxRetries, Duration backoff) {
    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

    /** Alerts at least this severe go to these channels. */
    public record Route(Severity minSeverity, List<String> channels) {
    }

    /** A dispatch file that cannot be used, with every problem found. */
    public static final class Invalid extends Exception {
        Invalid(String source, List<String> problems) {
            super(source + ": " + String.join("; ", problems));
        }
    }

    public static DispatchConfig parse(String source, String yaml, Map<String, String> env, PrintWriter console) throws Invalid {
        List<String> problems = new ArrayList<>();
        Object root;
        try {
            root = new Yaml(new LoaderOptions()).load(yaml);
        } catch (YAMLException e) {
            throw new Invalid(source, List.of("not valid YAML: " + e.getMessage()));
        }
        if (!(root instanceof Map<?, ?> top)) {
            throw new Invalid(source, List.of("expected 'channels:' and 'routes:'"));
        }
        UnaryOperator<String> expand = value -> {
            Matcher matcher = ENV.matcher(value);
            StringBuilder out = new StringBuilder();
            while (matcher.find()) {
                String variable = env.get(matcher.group(1));
                if (variable == null) {
                    problems.add("environment variable " + matcher.group(1) + " is not set");
                    variable = "";
                }
                matcher.appendReplacement(out, Matcher.quoteReplacement(variable));
            }
            return matcher.appendTail(out).toString();
        };
        for (Object key : top.keySet()) {
            if (!Set.of("channels", "routes", "rate_limit", "retries").contains(String.valueOf(key))) {
                problems.add("unknown key '" + key + "' (known: channels, routes, rate_limit, retries)");
            }
        }
        Map<String, Channel> channels = new LinkedHashMap<>();
        List<?> channelList = top.get("channels") instanceof List<?> list ? list : List.of();
        if (channelList.isEmpty()) {
            problems.add("channels: at least one channel is needed");
        }
        for (int i = 0; i < channelList.size(); i++) {
            String where = "channels[" + i + "]";
            if (!(channelList.get(i) instanceof Map<?, ?> channel)) {
                problems.add(where + ": expected a mapping");
                continue;
            }
            String name = text(channel, "name", where, problems, expand);
            String type = text(channel, "type", where, problems, expand);
            if (name == null || type == null) {
                continue;
            }
            try {
                Channel built = switch (type) {
                    case "console" -> new ConsoleChannel(name, console);
                    case "webhook", "slack" -> new WebhookChannel(name, url(text(channel, "url", where, problems, expand), where), type.equals("slack"),
                            headers(channel.get("headers"), expand));
                    case "email" -> email(name, channel, where, problems, expand);
                    default -> throw new IllegalArgumentException(where + ".type: '" + type + "' is not one of console, webhook, slack, email");
                };
                if (built != null && channels.put(name, built) != null) {
                    problems.add(where + ": the name '" + name + "' is used twice");
                }
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        List<Route> routes = new ArrayList<>();
        List<?> routeList = top.get("routes") instanceof List<?> list ? list : List.of();
        if (routeList.isEmpty()) {
            problems.add("routes: at least one route is needed (e.g. - {channels: [console]})");
        }
        for (int i = 0; i < routeList.size(); i++) {
            String where = "routes[" + i + "]";
            if (!(routeList.get(i) instanceof Map<?, ?> route)) {
                problems.add(where + ": expected a mapping");
                continue;
            }
            Severity min = Severity.low;
            if (route.get("min_severity") != null) {
                try {
                    min = Severity.valueOf(String.valueOf(route.get("min_severity")));
                } catch (IllegalArgumentException e) {
                    problems.add(where + ".min_severity: '" + route.get("min_severity") + "' is not one of low, medium, high, critical");
                }
            }
            List<String> targets = new ArrayList<>();
            if (route.get("channels") instanceof List<?> names) {
                names.forEach(n -> targets.add(String.valueOf(n)));
            }
            for (String target : targets) {
                if (!channels.containsKey(target)) {
                    problems.add(where + ".channels: no channel named '" + target + "'");
                }
            }
            if (targets.isEmpty()) {
                problems.add(where + ".channels: name at least one channel");
            }
            routes.add(new Route(min, targets));
        }
        Map<?, ?> rate = top.get("rate_limit") instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> retries = top.get("retries") instanceof Map<?, ?> m ? m : Map.of();
        int perChannel = number(rate.get("per_channel"), 30, "rate_limit.per_channel", problems);
        Duration per = duration(rate.get("per"), Duration.ofMinutes(1), "rate_limit.per", problems);
        int maxRetries = number(retries.get("max"), 5, "retries.max", problems);
        Duration backoff = duration(retries.get("backoff"), Duration.ofSeconds(1), "retries.backoff", problems);
        if (!problems.isEmpty()) {
            throw new Invalid(source, problems);
        }
        return new DispatchConfig(List.copyOf(channels.values()), routes, perChannel, per, maxRetries, backoff);
    }

    private static Channel email(String name, Map<?, ?> channel, String where, List<String> problems, UnaryOperator<String> expand) {
        if (!(channel.get("smtp") instanceof Map<?, ?> smtp)) {
            problems.add(where + ".smtp: expected {host, port, starttls or ssl, username, password}");
            return null;
        }
        String host = text(smtp, "host", where + ".smtp", problems, expand);
        boolean implicitTls = Boolean.TRUE.equals(smtp.get("ssl"));
        if (implicitTls && Boolean.TRUE.equals(smtp.get("starttls"))) {
            problems.add(where + ".smtp: ssl (TLS from the start, port 465) and starttls (TLS after the greeting, port 587) exclude each other");
        }
        EmailChannel.Security security = implicitTls ? EmailChannel.Security.SMTPS
                : Boolean.FALSE.equals(smtp.get("starttls")) ? EmailChannel.Security.NONE : EmailChannel.Security.STARTTLS;
        int port = number(smtp.get("port"), implicitTls ? 465 : 587, where + ".smtp.port", problems);
        String from = text(channel, "from", where, problems, expand);
        List<String> to = new ArrayList<>();
        if (channel.get("to") instanceof List<?> list) {
            list.forEach(address -> to.add(expand.apply(String.valueOf(address))));
        } else if (channel.get("to") != null) {
            to.add(expand.apply(String.valueOf(channel.get("to"))));
        }
        if (to.isEmpty()) {
            problems.add(where + ".to: at least one recipient");
        }
        String user = smtp.get("username") == null ? null : expand.apply(String.valueOf(smtp.get("username")));
        String password = smtp.get("password") == null ? "" : expand.apply(String.valueOf(smtp.get("password")));
        return host == null || from == null ? null : new EmailChannel(name, new EmailChannel.Smtp(host, port, security, user, password), from, to);
    }

    private static String text(Map<?, ?> map, String key, String where, List<String> problems, UnaryOperator<String> expand) {
        Object value = map.get(key);
        if (value == null || String.valueOf(value).isBlank()) {
            problems.add(where + "." + key + ": missing");
            return null;
        }
        return expand.apply(String.valueOf(value));
    }

    private static URI url(String text, String where) {
        if (text == null) {
            return null;
        }
        URI uri = URI.create(text);
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException(where + ".url: expected an http:// or https:// URL");
        }
        return uri;
    }

    private static Map<String, String> headers(Object value, UnaryOperator<String> expand) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> headers.put(String.valueOf(k), expand.apply(String.valueOf(v))));
        }
        return headers;
    }

    private static int number(Object value, int defaultValue, String where, List<String> problems) {
        if (value == null) {
            return defaultValue;
        }
        try {
            int number = Integer.parseInt(String.valueOf(value));
            if (number >= 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(where + ": expected a whole number, got '" + value + "'");
        return defaultValue;
    }

    private static Duration duration(Object value, Duration defaultValue, String where, List<String> problems) {
        if (value == null) {
            return defaultValue;
        }
        Optional<Duration> duration = Durations.parse(String.valueOf(value));
        if (duration.isEmpty()) {
            problems.add(where + ": expected a duration such as 500ms, 1s, 1m, got '" + value + "'");
        }
        return duration.orElse(defaultValue);
    }
}
