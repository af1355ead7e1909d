package dev.agenttelemetry.enricher.masking;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One kind of secret or personal data: the text {@code pattern}'s group {@code group} matched is replaced
 * by {@code [MASKED:<kind>]} when {@code check} accepts it; with {@code hints}, only in text that contains
 * one of them, and when {@code windowed} only near them; {@code textGate} is a cheap scan a text must pass
 * before the pattern runs over all of it (a pattern tried at every position is costly).
 */
record MaskingRule(String kind, Pattern pattern, int group, Predicate<String> check, List<String> hints, boolean windowed,
                   Predicate<String> textGate) {
    /**
     * Cheap pre-check: the rule can only match text that contains one of its hints (in the lower-cased text).
     * Most text holds no secret, and most patterns are far costlier than a few substring searches.
     */
    boolean mayMatch(String text, String lowerCased) {
        if (hints.isEmpty()) {
            return textGate.test(text);
        }
        for (String hint : hints) {
            if (lowerCased.contains(hint)) {
                return true;
            }
        }
        return false;
    }

    /** The same rule, tried only on text that contains one of these (lower-case) substrings. */
    MaskingRule hints(String... literals) {
        return new MaskingRule(kind, pattern, group, check, List.of(literals), false, textGate);
    }

    /**
     * The same rule, tried only near these substrings: from a little before each occurrence to the end of
     * the token after it (see {@link Masker}). For rules whose every match lies next to one of them.
     */
    MaskingRule near(String... literals) {
        return new MaskingRule(kind, pattern, group, check, List.of(literals), true, textGate);
    }

    /** The same rule, tried only on text that passes this cheap scan. */
    MaskingRule gate(Predicate<String> gate) {
        return new MaskingRule(kind, pattern, group, check, hints, windowed, gate);
    }

    /** The type hint for one match: "password" for a key = value whose key names a password. */
    String kindOf(java.util.regex.Matcher match) {
        if (kind.equals("secret") && match.group().substring(0, match.start(group) - match.start()).toLowerCase().matches("(?s).*(?:pass|pwd).*")) {
            return "password";
        }
        return kind;
    }

    static MaskingRule whole(String kind, String regex) {
        return new MaskingRule(kind, Pattern.compile(regex), 0, v -> true, List.of(), false, t -> true);
    }

    static MaskingRule group(String kind, String regex) {
        return new MaskingRule(kind, Pattern.compile(regex), 1, v -> true, List.of(), false, t -> true);
    }

    static MaskingRule checked(String kind, String regex, Predicate<String> check) {
        return checked(kind, regex, check, 1);
    }

    static MaskingRule checked(String kind, String regex, Predicate<String> check, int group) {
        return new MaskingRule(kind, Pattern.compile(regex), group, check, List.of(), false, t -> true);
    }

    /** A user's pattern: its first group is masked when it has one, else the whole match. */
    static MaskingRule custom(String kind, String regex) {
        Pattern pattern = Pattern.compile(regex);
        return new MaskingRule(kind, pattern, pattern.matcher("").groupCount() > 0 ? 1 : 0, v -> true, List.of(), false, t -> true);
    }
}
