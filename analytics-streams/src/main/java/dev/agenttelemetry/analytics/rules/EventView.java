package dev.agenttelemetry.analytics.rules;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.PathRef;
import dev.agenttelemetry.shell.ShellCommand;
import dev.agenttelemetry.shell.ShellParser;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** An event as rules see it: its shell command parsed once, and its paths with every home directory written {@code ~}. */
public final class EventView {
    private static final Pattern HOME = Pattern.compile("^(?:/home/[^/]+|/Users/[^/]+|/root|\\$HOME|\\$\\{HOME}|~[^/]*)(?=/|$)");
    private final AgentEvent event;
    private List<Command> commands;
    private List<PathRef> paths;

    public EventView(AgentEvent event) {
        this.event = event;
    }

    public AgentEvent event() {
        return event;
    }

    /** A parsed command with its program and its arguments sorted into flags and positional arguments once, for every rule to use. */
    record Command(ShellCommand command, String program, List<String> positional, Set<String> flags) {
        static Command of(ShellCommand command) {
            List<String> positional = new ArrayList<>();
            Set<String> flags = new HashSet<>();
            boolean options = true;
            for (String word : command.arguments()) {
                if (options && word.equals("--")) {
                    options = false;
                } else if (options && word.startsWith("--")) {
                    int eq = word.indexOf('=');
                    flags.add(eq < 0 ? word.substring(2) : word.substring(2, eq));
                } else if (options && word.startsWith("-") && word.length() > 1) {
                    word.substring(1).chars().filter(Character::isLetterOrDigit).forEach(c -> flags.add(String.valueOf((char) c)));
                    flags.add(word.substring(1)); // also whole: find -perm, chmod -R, dd-style single-dash words
                } else {
                    positional.add(home(word.startsWith("@") ? word.substring(1) : word)); // curl -d @file names a file
                }
            }
            return new Command(command, command.program(), positional, flags);
        }
    }

    List<Command> commands() {
        if (commands == null) {
            commands = event.getCommand() == null ? List.of() : ShellParser.parse(event.getCommand()).stream().map(Command::of).toList();
        }
        return commands;
    }

    /** The event's paths (the enricher's, plus the tool's file path), home directories as {@code ~}. */
    List<PathRef> paths() {
        if (paths == null) {
            paths = new ArrayList<>();
            for (PathRef ref : event.getPaths()) {
                paths.add(new PathRef(home(ref.getPath()), ref.getClass$()));
            }
        }
        return paths;
    }

    static String home(String path) {
        return HOME.matcher(path).replaceFirst("~");
    }
}
