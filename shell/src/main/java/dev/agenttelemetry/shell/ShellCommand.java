package dev.agenttelemetry.shell;

import java.util.List;

/**
 * One simple command of a shell command line, after quote removal: its words (program first), the
 * {@code NAME=value} assignments before it, its redirections, and the wrappers it ran under
 * ({@code sudo rm -rf /} gives the command {@code rm -rf /} with wrapper {@code sudo}, besides the
 * {@code sudo} command itself), and whether its input comes from a pipe ({@code ... | sh}).
 */
public record ShellCommand(List<String> words, List<String> assignments, List<Redirect> redirects, List<String> wrappers,
                           boolean piped) {

    /** A redirection such as {@code >> ~/.bashrc} ({@code >>}, target {@code ~/.bashrc}). */
    public record Redirect(String operator, String target) {
        /**
         * Whether this redirection writes to its target ({@code >}, {@code >>}, {@code &>}, {@code >|}, {@code <>},
         * {@code >& file}; not {@code 2>&1}, which duplicates a descriptor).
         */
        public boolean writes() {
            return operator.contains(">") && !(operator.endsWith("&") && (target.equals("-") || target.chars().allMatch(Character::isDigit)));
        }
    }

    /** The program's name without its directory ({@code /usr/bin/rm} → {@code rm}); empty for a bare assignment. */
    public String program() {
        if (words.isEmpty()) {
            return "";
        }
        String first = words.get(0);
        int slash = first.lastIndexOf('/');
        return slash >= 0 && slash < first.length() - 1 ? first.substring(slash + 1) : first;
    }

    public List<String> arguments() {
        return words.isEmpty() ? List.of() : words.subList(1, words.size());
    }
}
