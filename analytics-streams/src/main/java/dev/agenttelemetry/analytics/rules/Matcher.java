package dev.agenttelemetry.analytics.rules;

import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.avro.PathClass;
import dev.agenttelemetry.avro.PathRef;
import dev.agenttelemetry.avro.Severity;

import java.util.Optional;
import java.util.Set;

/**
 * One way a rule matches an event; every given part must hold. A path part holds when one of the event's
 * paths matches both the globs and the classes given. The severity, when given, replaces the rule's.
 */
record Matcher(Set<EventType> eventTypes, Globs tools, Globs paths, Set<PathClass> pathClasses,
               CommandPredicate command, UrlPredicate url, Severity severity) {
    private static final int MAX_EVIDENCE = 500;

    /** The evidence when this matches: the command, path or URL that matched. */
    Optional<String> test(EventView view) {
        var event = view.event();
        if (!eventTypes.isEmpty() && !eventTypes.contains(event.getEventType())) {
            return Optional.empty();
        }
        if (!tools.isEmpty() && (event.getToolName() == null || !tools.matches(event.getToolName()))) {
            return Optional.empty();
        }
        String evidence = null;
        if (!paths.isEmpty() || !pathClasses.isEmpty()) {
            PathRef hit = firstMatchingPath(view);
            if (hit == null) {
                return Optional.empty();
            }
            evidence = hit.getPath();
        }
        if (command != null) {
            if (!anyCommandMatches(view)) {
                return Optional.empty();
            }
            evidence = event.getCommand();
        }
        if (url != null) {
            if (!url.matches(event.getUrl())) {
                return Optional.empty();
            }
            evidence = event.getUrl();
        }
        if (evidence == null) {
            evidence = event.getCommand() != null ? event.getCommand() : event.getFilePath() != null ? event.getFilePath()
                    : event.getUrl() != null ? event.getUrl() : String.valueOf(event.getToolName());
        }
        return Optional.of(evidence.length() > MAX_EVIDENCE ? evidence.substring(0, MAX_EVIDENCE) + "…" : evidence);
    }

    // Loops, not streams: every matcher of every rule runs these on every event.
    private PathRef firstMatchingPath(EventView view) {
        for (PathRef ref : view.paths()) {
            if ((pathClasses.isEmpty() || pathClasses.contains(ref.getClass$())) && (paths.isEmpty() || paths.matches(ref.getPath()))) {
                return ref;
            }
        }
        return null;
    }

    private boolean anyCommandMatches(EventView view) {
        for (EventView.Command parsed : view.commands()) {
            if (command.matches(parsed)) {
                return true;
            }
        }
        return false;
    }
}
