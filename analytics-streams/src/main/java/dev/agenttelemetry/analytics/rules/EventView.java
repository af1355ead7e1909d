package dev.agenttelemetry.analytics.rules;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.PathRef;
import dev.agenttelemetry.shell.ShellCommand;
import dev.agenttelemetry.shell.ShellParser;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** An event as rules see it: its shell command parsed once, and its paths with every home directory written {@code ~}. */
public final class EventView {
    private static final Pattern HOME = Pattern.compile("^(?:/home/[^/]+|/Users/[^/]+|/root|\\$HOME|\\$\\{HOME}|~[^/]*)(?=/|$)");
    private final AgentEvent event;
    private List<ShellCommand> commands;
    private List<PathRef> paths;

    public EventView(AgentEvent event) {
        this.event = event;
    }

    public AgentEvent event() {
        return event;
    }

    List<ShellCommand> commands() {
        if (commands == null) {
            commands = event.getCommand() == null ? List.of() : ShellParser.parse(event.getCommand());
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
