package dev.agenttelemetry.analytics.rules;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Shell-style patterns, matched as one: {@code *} any characters but {@code /}, {@code **} any characters,
 * {@code **}{@code /} any leading directories (also none), {@code ?} one character. An empty set matches
 * nothing (conditions check {@link #isEmpty()} first). A rule may list dozens of patterns and is tried against
 * every argument of every command, so patterns without wildcards (most program names) are looked up in a set,
 * and the others are compiled into a single regular expression.
 */
record Globs(List<String> texts, Set<String> literals, Optional<Pattern> wildcards) {
    static final Globs NONE = of(List.of());

    static Globs of(List<String> texts) {
        Set<String> literals = texts.stream().filter(glob -> !hasWildcard(glob)).collect(Collectors.toUnmodifiableSet());
        List<String> wildcards = texts.stream().filter(Globs::hasWildcard).toList();
        return new Globs(List.copyOf(texts), literals, wildcards.isEmpty() ? Optional.empty()
                : Optional.of(Pattern.compile(wildcards.stream().map(Globs::regex).collect(Collectors.joining("|")), Pattern.DOTALL)));
    }

    boolean isEmpty() {
        return texts.isEmpty();
    }

    boolean matches(String value) {
        return literals.contains(value) || (wildcards.isPresent() && wildcards.get().matcher(value).matches());
    }

    private static boolean hasWildcard(String glob) {
        return glob.indexOf('*') >= 0 || glob.indexOf('?') >= 0;
    }

    private static String regex(String glob) {
        StringBuilder regex = new StringBuilder("(?:");
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && glob.startsWith("**/", i)) {
                regex.append("(?:.*/)?");
                i += 2;
            } else if (c == '*' && glob.startsWith("**", i)) {
                regex.append(".*");
                i++;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.append(')').toString();
    }
}
