package dev.agenttelemetry.enricher.masking;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class HintAutomatonTest {
    private final List<String> literals = MaskingRules.defaults().stream().flatMap(rule -> rule.candidates().hints().stream()).distinct().toList();
    private final HintAutomaton hints = new HintAutomaton(literals);
    private final boolean[] everyHint = new boolean[literals.size()];

    {
        Arrays.fill(everyHint, true);
    }

    @Test
    void findsEachOccurrenceIgnoringCase() {
        HintAutomaton.Hits found = hints.scan("x AKIA y sk-ant- :// akia");
        assertThat(startsOf(found, "akia")).containsExactly(2, 21);
        assertThat(startsOf(found, "sk-ant-")).containsExactly(9);
        assertThat(startsOf(found, "sk-")).containsExactly(9);
        assertThat(startsOf(found, "://")).containsExactly(17);
    }

    @Test
    void theTwoLaneScanOfALongTextFindsWhatTheOneLaneScanFinds() {
        // Texts of hint pieces, letters and separators, long enough for two lanes, so that hints straddle the middle.
        Random random = new Random(5);
        for (int round = 0; round < 2_000; round++) {
            StringBuilder text = new StringBuilder();
            int length = 256 + random.nextInt(1_500);
            while (text.length() < length) {
                String literal = literals.get(random.nextInt(literals.size()));
                switch (random.nextInt(4)) {
                    case 0 -> text.append(literal);
                    case 1 -> text.append(literal.toUpperCase(), 0, 1 + random.nextInt(literal.length())); // a prefix, upper case
                    case 2 -> text.append((char) ('a' + random.nextInt(26)));
                    default -> text.append(" \n-_:/@|+é😀".charAt(random.nextInt(12)));
                }
            }
            String value = text.toString();
            assertThat(hints.scan(value).of(everyHint)).as(value).containsExactly(hints.scanInOneLane(value).of(everyHint));
        }
    }

    private int[] startsOf(HintAutomaton.Hits found, String literal) {
        boolean[] only = new boolean[literals.size()];
        only[literals.indexOf(literal)] = true;
        return Arrays.stream(found.of(only)).mapToInt(HintAutomaton.Hits::start).toArray();
    }
}
