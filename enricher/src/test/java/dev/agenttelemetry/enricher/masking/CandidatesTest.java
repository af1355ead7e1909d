package dev.agenttelemetry.enricher.masking;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;

import static dev.agenttelemetry.enricher.masking.HintAutomaton.Hits.end;
import static dev.agenttelemetry.enricher.masking.HintAutomaton.Hits.start;
import static org.assertj.core.api.Assertions.assertThat;

class CandidatesTest {
    private static final List<String> HINTS = List.of("key", "token");
    private final HintAutomaton automaton = new HintAutomaton(HINTS);
    private final boolean[] both = {true, true};
    private final Candidates longTokens = Candidates.longTokensNearHints(MaskingRules::isTokenChar, 20, MaskingRules::isKeyWord, "key", "token");

    @Test
    void longTokensNearHintsAreTheRunsThePlainDefinitionFinds() {
        // Key words among runs of token characters of every length, some longer than a window, some glued to a key word.
        Random random = new Random(11);
        String[] separators = {" ", "\n", "\"", "=", ": ", "<", "é", "😀", ""};
        int found = 0;
        for (int round = 0; round < 3_000; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(600);
            while (text.length() < length) {
                switch (random.nextInt(6)) {
                    case 0 -> text.append(HINTS.get(random.nextInt(2)));
                    case 1 -> text.append("keyboard");
                    default -> {
                        int run = random.nextInt(10) == 0 ? 15 + random.nextInt(200) : 1 + random.nextInt(25);
                        for (int i = 0; i < run; i++) {
                            text.append("aZ09_-+/=.~".charAt(random.nextInt(11)));
                        }
                    }
                }
                text.append(separators[random.nextInt(separators.length)]);
            }
            String value = text.toString();
            long[] occurrences = automaton.scan(value).of(both);
            int[] expected = plainLongTokenStarts(value, occurrences);
            assertThat(longTokens.starts(value, occurrences)).as(value).containsExactly(expected);
            found += expected.length;
        }
        assertThat(found).as("long tokens near key words in all rounds").isGreaterThan(1_000);
    }

    @Test
    void aRunThatBeginsInsideTheLongestWindowCountsThoughItEndsPastIt() {
        // The window after "key" reaches 96 characters, then on to the end of the word but at most MAX_TOKEN further:
        // here it stops 19 characters into a run of 20, which still counts.
        int windowEnd = 3 + Candidates.AFTER_HINT + Candidates.MAX_TOKEN;
        String text = "key" + ":".repeat(windowEnd - 19 - 3) + "a".repeat(20) + " ";
        long[] occurrences = automaton.scan(text).of(both);
        assertThat(plainLongTokenStarts(text, occurrences)).containsExactly(windowEnd - 19);
        assertThat(longTokens.starts(text, occurrences)).containsExactly(windowEnd - 19);
    }

    /** Starts of runs of 20 or more token characters that begin in a window around a key word, one character at a time. */
    private static int[] plainLongTokenStarts(String text, long[] occurrences) {
        IntPredicate tokenChars = MaskingRules::isTokenChar;
        Candidates.Ints starts = new Candidates.Ints();
        int scanned = 0;
        for (long occurrence : occurrences) {
            if (!MaskingRules.isKeyWord(text, start(occurrence), end(occurrence))) {
                continue;
            }
            int from = Math.max(scanned, start(occurrence) - Candidates.BEFORE_HINT);
            int to = Math.min(text.length(), end(occurrence) + Candidates.AFTER_HINT);
            int limit = Math.min(text.length(), to + Candidates.MAX_TOKEN);
            while (to < limit && !Character.isWhitespace(text.charAt(to)) && "\"'`<>".indexOf(text.charAt(to)) < 0) {
                to++;
            }
            for (int at = from; at < to; at++) {
                if (tokenChars.test(text.charAt(at)) && (at == 0 || !tokenChars.test(text.charAt(at - 1)))) {
                    int runEnd = at + 1;
                    while (runEnd < text.length() && tokenChars.test(text.charAt(runEnd))) {
                        runEnd++;
                    }
                    if (runEnd - at >= 20 && runEnd <= to + 1) {
                        starts.add(at);
                    }
                    at = runEnd - 1;
                }
            }
            scanned = Math.max(scanned, to);
        }
        return starts.sorted();
    }

    @Test
    void cardAndIbanScansProbingOneCharacterInARunFindWhatAPlainScanFinds() {
        Random random = new Random(5);
        String alphabet = "0123456789 -ABCDEZaz.\\n\n";
        int cards = 0;
        for (int round = 0; round < 5_000; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(200);
            while (text.length() < length) {
                int run = random.nextInt(4) == 0 ? 10 + random.nextInt(20) : 1 + random.nextInt(4);
                String chars = random.nextBoolean() ? "0123456789 -" : "AB0123456789 ";
                for (int i = 0; i < run; i++) {
                    text.append(chars.charAt(random.nextInt(chars.length())));
                }
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String t = text.toString();
            List<Integer> plainCards = new java.util.ArrayList<>();
            List<Integer> plainIbans = new java.util.ArrayList<>();
            for (int i = 0; i < t.length(); i++) {
                if (MaskingRules.isCardNumberStart(t, i)) {
                    plainCards.add(i);
                }
                if (MaskingRules.isIbanStart(t, i) && ibanRunFrom(t, i) >= 12) { // the pattern needs 12 such characters
                    plainIbans.add(i);
                }
            }
            cards += plainCards.size();
            assertThat(java.util.Arrays.stream(MaskingRules.cardNumberStarts(t)).boxed().toList()).as(t).containsExactlyElementsOf(plainCards);
            assertThat(java.util.Arrays.stream(MaskingRules.ibanStarts(t)).boxed().toList()).as(t).containsAll(plainIbans);
        }
        assertThat(cards).isGreaterThan(1_000);
    }

    private static int ibanRunFrom(String text, int from) {
        int to = from;
        while (to < text.length() && (Character.isDigit(text.charAt(to)) || text.charAt(to) == ' ' || text.charAt(to) >= 'A' && text.charAt(to) <= 'Z')) {
            to++;
        }
        return to - from;
    }
}
