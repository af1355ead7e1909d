package dev.agenttelemetry.analytics.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A rule's matchers, indexed by the programs they name. Most matchers hold only for a few named programs
 * ({@code program: [nc, ncat]}), and the shipped rules have some two hundred of them: an event's commands look up
 * theirs instead of trying each. Matchers that name no program, or name one by a pattern ({@code python*}), are
 * tried on every event.
 */
final class MatcherIndex {
    private final int[] always;
    private final Map<String, int[]> byProgram;

    private MatcherIndex(int[] always, Map<String, int[]> byProgram) {
        this.always = always;
        this.byProgram = byProgram;
    }

    static MatcherIndex of(List<Matcher> matchers) {
        List<Integer> always = new ArrayList<>();
        Map<String, List<Integer>> byProgram = new HashMap<>();
        for (int i = 0; i < matchers.size(); i++) {
            CommandPredicate command = matchers.get(i).command();
            Globs programs = command == null ? Globs.NONE : command.programs();
            if (programs.isEmpty() || programs.literals().size() != programs.texts().size()) {
                always.add(i);
            } else {
                for (String program : programs.literals()) {
                    byProgram.computeIfAbsent(program, p -> new ArrayList<>()).add(i);
                }
            }
        }
        Map<String, int[]> index = new HashMap<>();
        byProgram.forEach((program, indices) -> index.put(program, indices.stream().mapToInt(Integer::intValue).toArray()));
        return new MatcherIndex(always.stream().mapToInt(Integer::intValue).toArray(), index);
    }

    /** The indices of the matchers that may hold for this event, ascending: the rule's order decides between equals. */
    int[] candidates(EventView view) {
        List<EventView.Command> commands = view.commands();
        if (byProgram.isEmpty() || commands.isEmpty()) {
            return always;
        }
        int[] found = null;
        for (EventView.Command command : commands) {
            int[] named = byProgram.get(command.program());
            if (named != null) {
                found = found == null ? named : IntStream.concat(Arrays.stream(found), Arrays.stream(named)).toArray();
            }
        }
        if (found == null) {
            return always;
        }
        return IntStream.concat(Arrays.stream(always), Arrays.stream(found)).sorted().distinct().toArray();
    }
}
