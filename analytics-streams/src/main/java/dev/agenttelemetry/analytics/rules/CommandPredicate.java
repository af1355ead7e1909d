package dev.agenttelemetry.analytics.rules;

import dev.agenttelemetry.shell.ShellCommand;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a simple command must look like to match; every given part must hold. Parts: the program (globs),
 * a subcommand (one of the first two positional arguments: {@code git -C dir push}), flags (each entry
 * a group of alternatives that must be present: {@code r|R|recursive}), a positional argument matching a
 * glob, the last positional argument (the destination of cp, mv, install, ln, rsync) matching a glob, any word matching a regular expression, an output redirection to a glob, an environment
 * assignment, a non-local host among the arguments, input from a pipe, and the wrappers it ran under.
 */
record CommandPredicate(Globs programs, Set<String> subcommands, List<Set<String>> flags, Globs args,
                        Globs target, Pattern argsRegex, Globs redirects, List<Assignment> assignments, boolean remote,
                        boolean piped, Set<String> under) {
    private static final Set<String> EXPORTERS = Set.of("export", "declare", "typeset", "readonly", "local", "setenv");
    private static final Set<String> HOST_PROGRAMS = Set.of("ssh", "nc", "ncat", "netcat", "telnet", "ftp", "sftp", "socat", "mosh");
    private static final Pattern URL = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://(?:[^@/]*@)?(\\[[^]]+]|[^/:?#]+)");
    private static final Pattern USER_AT_HOST = Pattern.compile("^[^@/\\s:]+@([A-Za-z0-9.-]+|\\[[0-9a-fA-F:]+])(?::.*)?$");
    private static final Pattern HOST_COLON_PATH = Pattern.compile("^([A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+):.*$");
    private static final Pattern HOST = Pattern.compile("^(?:\\d{1,3}(?:\\.\\d{1,3}){3}|[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})$");

    /** {@code NAME} (any value) or {@code NAME=glob}. */
    record Assignment(String name, Globs value) {
        boolean matches(String assignment) {
            int eq = assignment.indexOf('=');
            String assignedName = eq < 0 ? assignment : assignment.substring(0, eq).replace("+", "");
            return assignedName.equals(name) && (value == null || (eq >= 0 && value.matches(assignment.substring(eq + 1))));
        }
    }

    boolean matches(EventView.Command view) {
        ShellCommand command = view.command();
        String program = view.program();
        if (!programs.isEmpty() && !programs.matches(program)) {
            return false;
        }
        if (!under.isEmpty() && !anyIn(command.wrappers(), under)) {
            return false;
        }
        if (piped && !command.piped()) {
            return false;
        }
        List<String> positional = view.positional();
        Set<String> present = view.flags();
        if (!subcommands.isEmpty() && !anyIn(positional.subList(0, Math.min(2, positional.size())), subcommands)) {
            return false;
        }
        for (Set<String> group : flags) {
            if (!anyIn(group, present)) {
                return false;
            }
        }
        if (!args.isEmpty() && !anyMatches(positional, args)) {
            return false;
        }
        if (!target.isEmpty() && (positional.isEmpty() || !target.matches(positional.get(positional.size() - 1)))) {
            return false;
        }
        if (argsRegex != null && !anyFinds(command.arguments(), argsRegex)) {
            return false;
        }
        if (!redirects.isEmpty() && !writesTo(command, redirects)) {
            return false;
        }
        if (!assignments.isEmpty() && !assignsAny(command, assignments)) {
            return false;
        }
        return !remote || namesRemoteHost(program, command.arguments());
    }

    // Loops, not streams: every command predicate of every rule runs these on every command.
    private static boolean anyIn(Collection<String> values, Set<String> wanted) {
        for (String value : values) {
            if (wanted.contains(value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyMatches(List<String> values, Globs globs) {
        for (String value : values) {
            if (globs.matches(value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyFinds(List<String> words, Pattern regex) {
        for (String word : words) {
            if (regex.matcher(word).find()) {
                return true;
            }
        }
        return false;
    }

    private static boolean writesTo(ShellCommand command, Globs targets) {
        for (ShellCommand.Redirect redirect : command.redirects()) {
            if (redirect.writes() && targets.matches(EventView.home(redirect.target()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean assignsAny(ShellCommand command, List<Assignment> wanted) {
        List<String> assigned = command.assignments();
        List<String> exported = EXPORTERS.contains(command.program()) ? command.arguments() : List.of();
        if (assigned.isEmpty() && exported.isEmpty()) {
            return false; // nearly every command
        }
        for (Assignment assignment : wanted) {
            for (String word : assigned) {
                if (assignment.matches(word)) {
                    return true;
                }
            }
            for (String word : exported) {
                if (assignment.matches(word)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean namesRemoteHost(String program, List<String> words) {
        for (String word : words) {
            if (namesRemoteHost(program, word)) {
                return true;
            }
        }
        return false;
    }

    /** A URL, {@code user@host}, {@code host:path} or (for ssh, nc, ...) a bare host that is not this machine. */
    static boolean namesRemoteHost(String program, String word) {
        if (word.contains("[MASKED:email]")) {
            return true; // user@host, masked as an email before the rules see it: not this machine's loopback
        }
        String host = null;
        Matcher url = URL.matcher(word);
        Matcher userAtHost = USER_AT_HOST.matcher(word);
        Matcher hostColon = HOST_COLON_PATH.matcher(word);
        String bare = word.startsWith("@") ? word.substring(1) : word; // dig @8.8.8.8
        if (url.find()) {
            host = url.group(1);
        } else if (userAtHost.matches()) {
            host = userAtHost.group(1);
        } else if (hostColon.matches()) {
            host = hostColon.group(1);
        } else if ((HOST_PROGRAMS.contains(program) || word.startsWith("@")) && HOST.matcher(bare).matches()) {
            host = bare;
        }
        return host != null && !isLocal(host.toLowerCase());
    }

    private static boolean isLocal(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1") || host.equals("0.0.0.0")
                || host.endsWith(".localhost") || host.endsWith(".local") || host.equals("host.docker.internal")
                || host.startsWith("10.") || host.startsWith("192.168.") || host.matches("172\\.(1[6-9]|2\\d|3[01])\\..*");
    }
}
