package dev.agenttelemetry.enricher.masking;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces secrets and personal data in text with {@code [MASKED:<kind>]}; home-directory user names
 * become {@code ~}. Rules run in order, so more specific kinds (an Anthropic key) win over general ones.
 */
public final class Masker {
    /** One kind of secret: the text matched by {@code pattern}'s group {@code secretGroup} is replaced. */
    record Rule(String kind, Pattern pattern, int secretGroup) {
        static Rule whole(String kind, String regex) {
            return new Rule(kind, Pattern.compile(regex), 0);
        }

        static Rule group(String kind, String regex) {
            return new Rule(kind, Pattern.compile(regex), 1);
        }
    }

    /** The masked text and how many values were replaced. */
    public record Result(String text, int masked) {
    }

    private static final List<Rule> DEFAULT_RULES = List.of(
            Rule.whole("private_key", "-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?-----END [A-Z ]*PRIVATE KEY-----"),
            Rule.whole("anthropic_api_key", "\\bsk-ant-[A-Za-z0-9_-]{20,}"),
            Rule.whole("openai_api_key", "\\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}"),
            Rule.whole("aws_access_key", "\\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\\b"),
            Rule.whole("github_token", "\\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})"),
            Rule.whole("jwt", "\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}"),
            Rule.group("authorization", "(?i)\\bauthorization:\\s*(?:bearer|basic|token)\\s+([^\\s'\"]+)"),
            Rule.group("url_password", "\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\\s:@]+:([^/\\s@]+)@"),
            Rule.group("password", "(?i)(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token)[\"']?\\s*[=:]\\s*[\"']?([^\\s\"'&;]{4,})"),
            Rule.group("password", "(?i)--password[= ]\\s*([^\\s\"']+)"));

    private static final Pattern HOME_DIR = Pattern.compile("(/home/|/Users/)[^/\\s\"']+");

    private final List<Rule> rules;

    private Masker(List<Rule> rules) {
        this.rules = rules;
    }

    public static Masker withDefaultRules() {
        return new Masker(DEFAULT_RULES);
    }

    public Result mask(String text) {
        if (text == null || text.isEmpty()) {
            return new Result(text, 0);
        }
        String current = text;
        int masked = 0;
        for (Rule rule : rules) {
            Matcher m = rule.pattern().matcher(current);
            StringBuilder out = null;
            int last = 0;
            while (m.find()) {
                if (out == null) {
                    out = new StringBuilder(current.length());
                }
                out.append(current, last, m.start(rule.secretGroup())).append("[MASKED:").append(rule.kind()).append(']');
                last = m.end(rule.secretGroup());
                masked++;
            }
            if (out != null) {
                current = out.append(current, last, current.length()).toString();
            }
        }
        Matcher home = HOME_DIR.matcher(current);
        StringBuilder out = new StringBuilder(current.length());
        int homes = 0;
        while (home.find()) {
            home.appendReplacement(out, "~");
            homes++;
        }
        if (homes > 0) {
            current = home.appendTail(out).toString();
        }
        return new Result(current, masked + homes);
    }
}
