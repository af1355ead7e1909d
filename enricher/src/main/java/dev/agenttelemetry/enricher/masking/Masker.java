package dev.agenttelemetry.enricher.masking;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.stream.IntStream;

/**
 * Replaces secrets and personal data in text with {@code [MASKED:<kind>]}, e.g. {@code [MASKED:aws_access_key]};
 * home-directory user names become {@code ~}. Rules run most specific first (see {@link MaskingRules}), each
 * only where it can match (see {@link Candidates}).
 */
public final class Masker {
    /** The masked text and how many values were replaced. */
    public record Result(String text, int masked) {
    }

    /**
     * One value a rule replaced, for measurements: its kind, the text it replaced (the secret itself: never print
     * it), up to 40 characters before it (for a reader to see the key or word that made it a candidate) and what replaced it.
     */
    public record Replaced(String kind, String original, String before, String replacement) {
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
    private final HintAutomaton hints;
    /** Per rule, which of {@link #hints}' literals it needs found, as flags by literal id. */
    private final boolean[][] hintsOfRule;
    /** Per literal id, the rules (by index) that need it: found hints then mark the rules worth trying at once. */
    private final int[][] rulesOfHint;
    private final Set<String> fieldNames;
    /**
     * Short strings already found to hold nothing to mask. The same ones come in every event (JSON keys, tool
     * and hook names, a session's id, cwd and transcript path), and scanning each again cost more than the long
     * values. Only clean strings are kept, so no secret is held here; emptied when full.
     */
    private final Set<String> clean = ConcurrentHashMap.newKeySet();
    private static final int CLEAN_MAX_LENGTH = 128;
    private static final int CLEAN_MAX_ENTRIES = 8_192;

    private Masker(List<MaskingRule> rules, Set<String> fieldNames) {
        this.rules = rules;
        this.fieldNames = fieldNames;
        List<String> literals = rules.stream().flatMap(rule -> rule.candidates().hints().stream()).distinct().toList();
        this.hints = new HintAutomaton(literals);
        this.hintsOfRule = new boolean[rules.size()][literals.size()];
        for (int r = 0; r < rules.size(); r++) {
            for (String hint : rules.get(r).candidates().hints()) {
                hintsOfRule[r][literals.indexOf(hint)] = true;
            }
        }
        this.rulesOfHint = new int[literals.size()][];
        for (int id = 0; id < literals.size(); id++) {
            int hint = id;
            rulesOfHint[id] = IntStream.range(0, rules.size()).filter(r -> hintsOfRule[r][hint]).toArray();
        }
    }

    private static final long[] NO_HINTS = {};

    public static Masker withDefaultRules() {
        return create(Settings.defaults());
    }

    /** Users' patterns first, then the built-in rules that are not switched off, most specific first. */
    public static Masker create(Settings settings) {
        List<MaskingRule> rules = new ArrayList<>();
        settings.customRules().forEach((kind, regex) -> rules.add(MaskingRule.custom(kind, regex)));
        MaskingRules.defaults().stream().filter(r -> !settings.disabledKinds().contains(r.kind())).forEach(rules::add);
        Set<String> fields = settings.fieldNames().stream().map(f -> f.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
        return new Masker(List.copyOf(rules), fields);
    }

    /** Whether a JSON field of this name is masked whole. */
    public boolean isSensitiveField(String name) {
        return fieldNames.contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Applies the rules in order, each to the text the previous ones left, so a value a provider rule masked
     * keeps that provider's type hint and is not masked again by a broader rule.
     */
    public Result mask(String text) {
        return mask(text, Set.of(), null);
    }

    /**
     * {@link #mask(String)}, leaving the values in {@code keep} as they are wherever they appear (an event's own
     * session and tool use ids: the audit trail needs them), and telling {@code replaced} (when not null) of
     * each value replaced.
     */
    public Result mask(String text, Set<String> keep, Consumer<Replaced> replaced) {
        if (text == null || text.isEmpty()) {
            return new Result(text, 0);
        }
        boolean isShort = text.length() <= CLEAN_MAX_LENGTH;
        boolean kept = false;
        if (isShort && clean.contains(text)) {
            return new Result(text, 0);
        }
        String current = text;
        // Rules match on a view of the text with JSON's escapes read as spaces (see EscapeBlankedText), made when a
        // rule is first tried (again after a rule changed the text). Hints are found in the text itself: blanking
        // only removes letters, so the view's hints are among the text's, at the same places.
        String view = null;
        HintAutomaton.Hits found = null; // of the current text; found again only after a rule changed it
        boolean[] hinted = null; // by rule: whether one of its hints is in the current text
        int masked = 0;
        for (int r = 0; r < rules.size(); r++) {
            MaskingRule rule = rules.get(r);
            if (found == null) {
                found = hints.scan(current);
                hinted = found.rulesHinted(rulesOfHint, rules.size());
            }
            boolean needsHints = !rule.candidates().hints().isEmpty();
            if (needsHints && !hinted[r]) {
                continue;
            }
            if (view == null && rule.candidates().needsView()) {
                view = EscapeBlankedText.of(current);
            }
            int[] starts = rule.candidates().starts(current, view, needsHints ? found.of(hintsOfRule[r]) : NO_HINTS);
            if (starts != null && starts.length == 0) {
                continue;
            }
            if (view == null) {
                view = EscapeBlankedText.of(current);
            }
            Matcher m = rule.pattern().matcher(view).useTransparentBounds(true).useAnchoringBounds(false);
            StringBuilder out = null;
            int copied = 0; // end of the text already copied to out
            int next = 0; // where the next match may start: after a masked one, or inside one judged no secret
            int candidate = 0;
            while (true) {
                if (starts == null) {
                    if (!m.find()) {
                        break;
                    }
                } else {
                    while (candidate < starts.length && starts[candidate] < next) {
                        candidate++;
                    }
                    if (candidate == starts.length) {
                        break;
                    }
                    m.region(starts[candidate++], view.length());
                    if (!m.lookingAt()) {
                        continue;
                    }
                }
                int group = rule.groupOf(m);
                String value = group < 0 ? null : m.group(group);
                if (value == null || value.contains("[MASKED:") || !rule.check().accepts(value, m, view)) {
                    // A value judged no secret may hold one: token = Token(token="...") is no secret at its first key
                    // but is at its second, so the next match may start inside the value (not inside the key again).
                    next = Math.max(group < 0 ? m.end() : m.start(group), m.start() + 1);
                    if (starts == null) {
                        m.region(next, view.length());
                    }
                    continue;
                }
                next = Math.max(m.end(), m.start() + 1);
                if (!keep.isEmpty() && keep.contains(value)) {
                    kept = true;
                    continue;
                }
                int from = m.start(group);
                int to = m.end(group);
                String replacement = rule.replacement(m, group);
                if (replaced != null) {
                    replaced.accept(new Replaced(rule.kind(), current.substring(from, to), current.substring(Math.max(0, from - 40), from), replacement));
                }
                if (out == null) {
                    out = new StringBuilder(current.length());
                }
                out.append(current, copied, from).append(replacement);
                copied = to;
                masked++;
            }
            if (out != null) {
                current = out.append(current, copied, current.length()).toString();
                view = null; // made again from the new text when a rule next needs it
                found = null;
            }
        }
        if (isShort && masked == 0 && !kept) {
            if (clean.size() >= CLEAN_MAX_ENTRIES) {
                clean.clear();
            }
            clean.add(text);
        }
        return new Result(current, masked);
    }
}
