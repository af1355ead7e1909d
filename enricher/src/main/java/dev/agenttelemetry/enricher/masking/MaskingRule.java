package dev.agenttelemetry.enricher.masking;

import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One kind of secret or personal data: where {@code pattern} matches, at one of the {@code candidates}, the
 * first of its {@code groups} that took part in the match is replaced by {@code [MASKED:<kind>]} when
 * {@code check} accepts it (by {@code ~} for home-directory user names). A pattern has several groups when a
 * value can be written several ways (double-quoted, single-quoted, bare), each ending where its syntax does.
 */
record MaskingRule(String kind, Pattern pattern, int[] groups, Judge check, Candidates candidates) {
    static final String HOME_DIR = "home_dir";
    private static final Pattern PASSWORD_KEY = Pattern.compile("(?i).*(?:pass|pwd).*", Pattern.DOTALL);

    /** Whether a value found by the pattern is one to mask; {@code match} and {@code text} give its context (e.g. its key). */
    @FunctionalInterface
    interface Judge {
        boolean accepts(String value, Matcher match, String text);

        static Judge of(Predicate<String> valueCheck) {
            return (value, match, text) -> valueCheck.test(value);
        }
    }

    /** The same rule, tried only where these say (see {@link Candidates}). */
    MaskingRule at(Candidates where) {
        return new MaskingRule(kind, pattern, groups, check, where);
    }

    /** The same rule, tried from {@code back} characters before an occurrence of a hint up to it. */
    MaskingRule at(int back, String... hints) {
        return at(Candidates.atHints(back, hints));
    }

    /** The group that holds this match's value, or -1. */
    int groupOf(Matcher match) {
        for (int group : groups) {
            if (match.start(group) >= 0) {
                return group;
            }
        }
        return -1;
    }

    /** What replaces one match's group: "password" for a key = value whose key names a password. */
    String replacement(Matcher match, int group) {
        if (kind.equals(HOME_DIR)) {
            return "~";
        }
        if (kind.equals("secret") && PASSWORD_KEY.matcher(match.group().substring(0, match.start(group) - match.start())).matches()) {
            return "[MASKED:password]";
        }
        return "[MASKED:" + kind + "]";
    }

    static MaskingRule whole(String kind, String regex) {
        return checked(kind, regex, value -> true, 0);
    }

    static MaskingRule group(String kind, String regex) {
        return checked(kind, regex, value -> true, 1);
    }

    static MaskingRule checked(String kind, String regex, Predicate<String> check) {
        return checked(kind, regex, check, 1);
    }

    static MaskingRule checked(String kind, String regex, Predicate<String> check, int group) {
        return new MaskingRule(kind, Pattern.compile(regex), new int[] {group}, Judge.of(check), Candidates.everywhere());
    }

    /** A rule whose value is the first of several groups that matched, judged with its context. */
    static MaskingRule judged(String kind, String regex, Judge judge, int... groups) {
        return new MaskingRule(kind, Pattern.compile(regex), groups, judge, Candidates.everywhere());
    }

    /** A user's pattern, searched for everywhere: its first group is masked when it has one, else the whole match. */
    static MaskingRule custom(String kind, String regex) {
        Pattern pattern = Pattern.compile(regex);
        return new MaskingRule(kind, pattern, new int[] {pattern.matcher("").groupCount() > 0 ? 1 : 0}, (value, match, text) -> true, Candidates.everywhere());
    }
}
