package dev.agenttelemetry.analytics.rules;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Shell-style patterns, matched as one: {@code *} any characters but {@code /}, {@code **} any characters,
 * {@code **}{@code /} any leading directories (also none), {@code ?} one character. An empty set matches
 * nothing (conditions check {@link #isEmpty()} first). Compiled into a single regular expression, since a
 * rule may list dozens of paths and is tried against every argument of every command.
 */
record Globs(List<String> texts, Pattern pattern) {
    static final Globs NONE = of(List.of());

    static Globs of(List<String> texts) {
        String regex = texts.stream().map(Globs::regex).collect(Collectors.joining("|"));
        return new Globs(List.copyOf(texts), Pattern.compile(texts.isEmpty() ? "(?!)" : regex, Pattern.DOTALL));
    }

    boolean isEmpty() {
        return texts.isEmpty();
    }

    boolean matches(String value) {
        return pattern.matcher(value).matches();
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
