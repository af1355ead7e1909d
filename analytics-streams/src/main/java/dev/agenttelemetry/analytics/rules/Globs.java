package dev.agenttelemetry.analytics.rules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Shell-style patterns, matched as one: {@code *} any characters but {@code /}, {@code **} any characters,
 * {@code **}{@code /} any leading directories (also none), {@code ?} one character. An empty set matches
 * nothing (conditions check {@link #isEmpty()} first). A rule may list dozens of patterns and is tried against
 * every path and every argument of every command, so the common shapes skip regular expressions: literals
 * (most program names) are looked up in a set, {@code dir/**} is a prefix, {@code name*} a prefix with no {@code /}
 * after it ({@code python*}, {@code impacket-*}), {@code **}{@code /name} a suffix,
 * and {@code **}{@code /*.pem} a pattern tried on the last path segment alone. Only the rest are compiled into
 * a single regular expression (each {@code **}{@code /} in one costs a scan of the whole value).
 */
record Globs(List<String> texts, Set<String> literals, String[] prefixes, String[] namePrefixes, String[] suffixes,
             Optional<Pattern> lastSegment, Optional<Pattern> wildcards) {
    static final Globs NONE = of(List.of());
    private static final String ANY_DIRECTORIES = "**/";

    static Globs of(List<String> texts) {
        Set<String> literals = new HashSet<>();
        List<String> prefixes = new ArrayList<>();
        List<String> namePrefixes = new ArrayList<>();
        List<String> suffixes = new ArrayList<>();
        List<String> lastSegment = new ArrayList<>();
        List<String> wildcards = new ArrayList<>();
        for (String glob : texts) {
            String tail = glob.startsWith(ANY_DIRECTORIES) ? glob.substring(ANY_DIRECTORIES.length()) : null;
            if (!hasWildcard(glob)) {
                literals.add(glob);
            } else if (glob.endsWith("/**") && !hasWildcard(glob.substring(0, glob.length() - 2))) {
                prefixes.add(glob.substring(0, glob.length() - 2));
            } else if (glob.endsWith("*") && !hasWildcard(glob.substring(0, glob.length() - 1))) {
                namePrefixes.add(glob.substring(0, glob.length() - 1));
            } else if (tail != null && !hasWildcard(tail)) {
                literals.add(tail); // no leading directories
                suffixes.add("/" + tail);
            } else if (tail != null && tail.indexOf('/') < 0 && !tail.contains("**")) {
                lastSegment.add(tail);
            } else {
                wildcards.add(glob);
            }
        }
        return new Globs(List.copyOf(texts), Set.copyOf(literals), prefixes.toArray(String[]::new), namePrefixes.toArray(String[]::new),
                suffixes.toArray(String[]::new), compile(lastSegment), compile(wildcards));
    }

    boolean isEmpty() {
        return texts.isEmpty();
    }

    // Loops over arrays, not streams or iterators: this runs for every path and argument of every event.
    boolean matches(String value) {
        if (literals.contains(value)) {
            return true;
        }
        for (String prefix : prefixes) {
            if (value.startsWith(prefix)) {
                return true;
            }
        }
        for (String prefix : namePrefixes) {
            if (value.startsWith(prefix) && value.indexOf('/', prefix.length()) < 0) {
                return true;
            }
        }
        for (String suffix : suffixes) {
            if (value.endsWith(suffix)) {
                return true;
            }
        }
        if (lastSegment.isPresent() && lastSegment.get().matcher(value.substring(value.lastIndexOf('/') + 1)).matches()) {
            return true;
        }
        return wildcards.isPresent() && wildcards.get().matcher(value).matches();
    }

    private static boolean hasWildcard(String glob) {
        return glob.indexOf('*') >= 0 || glob.indexOf('?') >= 0;
    }

    private static Optional<Pattern> compile(List<String> globs) {
        return globs.isEmpty() ? Optional.empty()
                : Optional.of(Pattern.compile(globs.stream().map(Globs::regex).collect(Collectors.joining("|")), Pattern.DOTALL));
    }

    /** The regular expression equivalent to one glob. */
    static String regex(String glob) {
        StringBuilder regex = new StringBuilder("(?:");
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && glob.startsWith(ANY_DIRECTORIES, i)) {
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
