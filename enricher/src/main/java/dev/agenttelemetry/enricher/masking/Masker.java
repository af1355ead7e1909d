package dev.agenttelemetry.enricher.masking;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Replaces secrets and personal data in text with {@code [MASKED:<kind>]}, e.g. {@code [MASKED:aws_access_key]};
 * home-directory user names become {@code ~}. Rules run most specific first (see {@link MaskingRules}).
 */
public final class Masker {
    /** The masked text and how many values were replaced. */
    public record Result(String text, int masked) {
    }

    /**
     * @param disabledKinds kinds of the built-in rules to switch off (e.g. {@code email}, {@code phone}, {@code home_dir})
     * @param customRules   extra patterns by kind; a pattern's first group is masked when it has one
     * @param fieldNames    JSON field names whose whole value is masked, whatever it looks like
     */
    public record Settings(Set<String> disabledKinds, Map<String, String> customRules, Set<String> fieldNames) {
        public static Settings defaults() {
            return new Settings(Set.of(), Map.of(), DEFAULT_FIELDS);
        }
    }

    static final Set<String> DEFAULT_FIELDS = Set.of("password", "passwd", "secret", "api_key", "apikey", "token", "access_token",
            "refresh_token", "client_secret", "private_key", "authorization", "cookie", "set-cookie");

    private final List<MaskingRule> rules;
    private final boolean homeDirs;
    private final Set<String> fieldNames;

    private Masker(List<MaskingRule> rules, boolean homeDirs, Set<String> fieldNames) {
        this.rules = rules;
        this.homeDirs = homeDirs;
        this.fieldNames = fieldNames;
    }

    public static Masker withDefaultRules() {
        return create(Settings.defaults());
    }

    public static Masker create(Settings settings) {
        List<MaskingRule> rules = new ArrayList<>();
        settings.customRules().forEach((kind, regex) -> rules.add(MaskingRule.custom(kind, regex)));
        MaskingRules.defaults().stream().filter(r -> !settings.disabledKinds().contains(r.kind())).forEach(rules::add);
        Set<String> fields = settings.fieldNames().stream().map(f -> f.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
        return new Masker(List.copyOf(rules), !settings.disabledKinds().contains("home_dir"), fields);
    }

    private static final int BEFORE_HINT = 64;
    private static final int AFTER_HINT = 96;
    private static final int MAX_TOKEN = 16_384;

    /**
     * Where a windowed rule may match: from a little before each hint to the end of the token that follows
     * it, so a long secret is never cut in two by a window's edge. Overlapping windows are merged.
     */
    private static List<int[]> windows(String text, String lower, List<String> hints) {
        List<int[]> found = new ArrayList<>();
        for (String hint : hints) {
            for (int at = lower.indexOf(hint); at >= 0; at = lower.indexOf(hint, at + 1)) {
                int end = Math.min(text.length(), at + hint.length() + AFTER_HINT);
                int limit = Math.min(text.length(), end + MAX_TOKEN);
                while (end < limit && !Character.isWhitespace(text.charAt(end)) && "\"'`<>".indexOf(text.charAt(end)) < 0) {
                    end++;
                }
                found.add(new int[]{Math.max(0, at - BEFORE_HINT), Math.min(text.length(), end + 1)});
            }
        }
        found.sort((a, b) -> Integer.compare(a[0], b[0]));
        List<int[]> merged = new ArrayList<>();
        for (int[] w : found) {
            if (!merged.isEmpty() && w[0] <= merged.get(merged.size() - 1)[1]) {
                merged.get(merged.size() - 1)[1] = Math.max(merged.get(merged.size() - 1)[1], w[1]);
            } else {
                merged.add(w);
            }
        }
        return merged;
    }

    /** Whether a JSON field of this name is masked whole. */
    public boolean isSensitiveField(String name) {
        return fieldNames.contains(name.toLowerCase(Locale.ROOT));
    }

    public Result mask(String text) {
        if (text == null || text.isEmpty()) {
            return new Result(text, 0);
        }
        String current = text;
        String lower = text.toLowerCase(Locale.ROOT);
        int masked = 0;
        for (MaskingRule rule : rules) {
            if (!rule.mayMatch(current, lower)) {
                continue;
            }
            Matcher m = rule.pattern().matcher(current).useTransparentBounds(true).useAnchoringBounds(false);
            StringBuilder out = null;
            int last = 0;
            for (int[] window : rule.windowed() ? windows(current, lower, rule.hints()) : List.of(new int[]{0, current.length()})) {
                m.region(Math.max(window[0], last), window[1]);
                while (m.find()) {
                    String value = m.group(rule.group());
                    if (value == null || value.contains("[MASKED:") || !rule.check().test(value)) {
                        continue;
                    }
                    if (out == null) {
                        out = new StringBuilder(current.length());
                    }
                    out.append(current, last, m.start(rule.group())).append("[MASKED:").append(rule.kindOf(m)).append(']');
                    last = m.end(rule.group());
                    masked++;
                }
            }
            if (out != null) {
                current = out.append(current, last, current.length()).toString();
                lower = current.toLowerCase(Locale.ROOT);
            }
        }
        if (homeDirs && (lower.contains("/home/") || lower.contains("/users/"))) {
            Matcher home = MaskingRules.home(current);
            StringBuilder out = new StringBuilder(current.length());
            int homes = 0;
            while (home.find()) {
                home.appendReplacement(out, "~");
                homes++;
            }
            if (homes > 0) {
                current = home.appendTail(out).toString();
                masked += homes;
            }
        }
        return new Result(current, masked);
    }
}
