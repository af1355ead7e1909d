package dev.agenttelemetry.analytics.rules;

import java.util.List;

/** A rule file that cannot be used, with every problem found, each naming its line. */
public final class RuleFileException extends Exception {
    private final List<String> problems;

    public RuleFileException(String source, List<String> problems) {
        super(source + ": " + problems.size() + (problems.size() == 1 ? " problem" : " problems") + "\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
