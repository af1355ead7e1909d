package dev.agenttelemetry.enricher.masking;

import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One kind of secret or personal data: where {@code pattern} matches, at one of the {@code candidates}, its
 * group {@code group} is replaced by {@code [MASKED:<kind>]} when {@code check} accepts it (by {@code ~} for
 * home-directory user names).
 */
record MaskingRule(String kind, Pattern pattern, int group, Predicate<String> check, Candidates candidates) {
    static final String HOME_DIR = "home_dir";
    private static final Pattern PASSWORD_KEY = Pattern.compile("(?i).*(?:pass|pwd).*", Pattern.DOTALL);

    /** The same rule, tried only where these say (see {@link Candidates}). */
    MaskingRule at(Candidates where) {
        return new MaskingRule(kind, pattern, group, check, where);
    }

    /** The same rule, tried from {@code back} characters before an occurrence of a hint up to it. */
    MaskingRule at(int back, String... hints) {
        return at(Candidates.atHints(back, hints));
    }

    /** What replaces one match's group: "password" for a key = value whose key names a password. */
    String replacement(Matcher match) {
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
        return new MaskingRule(kind, Pattern.compile(regex), group, check, Candidates.everywhere());
    }

    /** A user's pattern, searched for everywhere: its first group is masked when it has one, else the whole match. */
    static MaskingRule custom(String kind, String regex) {
        Pattern pattern = Pattern.compile(regex);
        return new MaskingRule(kind, pattern, pattern.matcher("").groupCount() > 0 ? 1 : 0, value -> true, Candidates.everywhere());
    }
}
