package dev.agenttelemetry.analytics.rules;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.avro.Severity;
import dev.agenttelemetry.shell.ShellCommands;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A recursive, forced {@code rm} of a broad target (the root, the home directory, everything here),
 * also behind wrappers such as sudo, env or nohup.
 */
public final class DestructiveCommandRule implements Rule {
    public static final String ID = "destructive_command";
    private static final Set<String> WRAPPERS = Set.of("sudo", "doas", "env", "nohup", "time", "nice", "command", "exec");
    private static final Set<String> BROAD_TARGETS = Set.of("/", "/*", "~", "~/", "~/*", "$HOME", "$HOME/", "${HOME}", "*", ".", "./", "./*", "..", "../");

    @Override
    public Optional<Violation> evaluate(AgentEvent event) {
        if (event.getEventType() != EventType.command_execution || event.getCommand() == null
                || !"PreToolUse".equals(event.getHookEventName())) {
            return Optional.empty();
        }
        for (List<String> words : ShellCommands.split(event.getCommand())) {
            if (isBroadForcedRecursiveRm(unwrap(words))) {
                return Optional.of(new Violation(ID, "Destructive command: recursive forced delete of a broad target",
                        Severity.critical, event.getCommand()));
            }
        }
        return Optional.empty();
    }

    /** Drops leading wrappers (with their options) and VAR=value assignments: {@code sudo -E env X=1 rm} is an rm. */
    private static List<String> unwrap(List<String> words) {
        int start = 0;
        while (start < words.size()) {
            String word = words.get(start);
            if (WRAPPERS.contains(word)) {
                start++;
                while (start < words.size() && words.get(start).startsWith("-")) {
                    start++;
                }
            } else if (word.matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
                start++;
            } else {
                break;
            }
        }
        return words.subList(start, words.size());
    }

    private static boolean isBroadForcedRecursiveRm(List<String> words) {
        if (words.isEmpty() || !(words.get(0).equals("rm") || words.get(0).endsWith("/rm"))) {
            return false;
        }
        boolean recursive = false;
        boolean force = false;
        boolean broad = false;
        boolean options = true;
        for (String word : words.subList(1, words.size())) {
            if (options && word.equals("--")) {
                options = false;
            } else if (options && word.startsWith("--")) {
                recursive |= word.equals("--recursive");
                force |= word.equals("--force");
                broad |= word.equals("--no-preserve-root");
            } else if (options && word.startsWith("-") && word.length() > 1) {
                recursive |= word.indexOf('r') > 0 || word.indexOf('R') > 0;
                force |= word.indexOf('f') > 0;
            } else {
                broad |= BROAD_TARGETS.contains(word);
            }
        }
        return recursive && force && broad;
    }
}
