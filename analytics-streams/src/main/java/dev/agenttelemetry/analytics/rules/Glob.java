package dev.agenttelemetry.analytics.rules;

import java.util.regex.Pattern;

/**
 * A shell-style pattern: {@code *} any characters but {@code /}, {@code **} any characters, {@code **}{@code /}
 * any leading directories (also none), {@code ?} one character. {@code ~} stands for any home directory.
 */
record Glob(String text, Pattern pattern) {
    static Glob of(String text) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*' && text.startsWith("**/", i)) {
                regex.append("(?:.*/)?");
                i += 2;
            } else if (c == '*' && text.startsWith("**", i)) {
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
        return new Glob(text, Pattern.compile(regex.toString(), Pattern.DOTALL));
    }

    boolean matches(String value) {
        return pattern.matcher(value).matches();
    }
}
