package dev.agenttelemetry.enricher.masking;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntPredicate;

import static dev.agenttelemetry.enricher.masking.HintAutomaton.Hits.end;
import static dev.agenttelemetry.enricher.masking.HintAutomaton.Hits.start;

/**
 * Where a rule's matches may start in a text. A pattern tried at every position costs tens of nanoseconds a
 * character; most rules can only match at or just before a literal (a vendor prefix, a key word, {@code @},
 * {@code ://}) found for all rules in one pass (see {@link HintAutomaton}), or where a cheap scan says so,
 * and are tried there alone.
 */
record Candidates(List<String> hints, Finder finder) {
    /**
     * Where a rule's pattern may match. Scans of the whole text look at the text itself (for speed); the rest
     * look at the view the patterns match on (see {@link Masker}), which has the text's positions.
     */
    @FunctionalInterface
    interface Finder {
        int[] starts(String text, String view, long[] hintOccurrences);
    }

    /**
     * Positions to try the rule's pattern at, ascending (repeats allowed), given the occurrences of
     * {@link #hints()} (see {@link HintAutomaton.Hits#of}); {@code null} to search the whole text.
     */
    int[] starts(String text, String view, long[] hintOccurrences) {
        return finder.starts(text, view, hintOccurrences);
    }

    /** The same, where the text and its view are one. */
    int[] starts(String text, long[] hintOccurrences) {
        return starts(text, text, hintOccurrences);
    }

    /** Whether the positions depend on the view (all but whole-text scans), so the view must be made first. */
    boolean needsView() {
        return !hints.isEmpty();
    }

    /** Anywhere: the pattern searches the whole text (users' own patterns). */
    static Candidates everywhere() {
        return new Candidates(List.of(), (text, view, occurrences) -> null);
    }

    /** From {@code back} characters before an occurrence of a hint up to the occurrence itself. */
    static Candidates atHints(int back, String... hints) {
        return new Candidates(List.of(hints), (ignored, text, occurrences) -> {
            Ints starts = new Ints();
            for (long occurrence : occurrences) {
                for (int at = Math.max(0, start(occurrence) - back); at <= start(occurrence); at++) {
                    starts.add(at);
                }
            }
            return starts.sorted();
        });
    }

    /**
     * Anywhere in the run of {@code runChars} (at most {@code maxBack} long) that ends at an occurrence of a
     * hint, and the occurrence itself: a URL's scheme before {@code ://}, an address's local part before
     * {@code @}.
     */
    static Candidates inRunBeforeHints(IntPredicate runChars, int maxBack, String... hints) {
        return new Candidates(List.of(hints), (ignored, text, occurrences) -> {
            Ints starts = new Ints();
            for (long occurrence : occurrences) {
                int hint = start(occurrence);
                int from = hint;
                while (from > 0 && hint - from < maxBack && runChars.test(text.charAt(from - 1))) {
                    from--;
                }
                for (int at = from; at <= hint; at++) {
                    starts.add(at);
                }
            }
            return starts.sorted();
        });
    }

    /** Characters a window around a hint looks this far before it and after it (then to the end of the token). */
    static final int BEFORE_HINT = 64;
    static final int AFTER_HINT = 96;
    static final int MAX_TOKEN = 16_384;

    /**
     * Starts of whole runs of {@code tokenChars} at least {@code minLength} long, in windows around the
     * hints: from {@link #BEFORE_HINT} characters before a hint to the end of the token {@link #AFTER_HINT}
     * characters after it, so a long value is never cut in two by a window's edge. Only the occurrences
     * {@code counts} accepts open a window.
     */
    static Candidates longTokensNearHints(IntPredicate tokenChars, int minLength, HintFilter counts, String... hints) {
        return new Candidates(List.of(hints), (ignored, text, occurrences) -> {
            Ints starts = new Ints();
            int scanned = 0; // windows overlap: each character is looked at once
            for (long occurrence : occurrences) {
                if (!counts.test(text, start(occurrence), end(occurrence))) {
                    continue;
                }
                int from = Math.max(scanned, start(occurrence) - BEFORE_HINT);
                int to = Math.min(text.length(), end(occurrence) + AFTER_HINT);
                int limit = Math.min(text.length(), to + MAX_TOKEN);
                while (to < limit && !Character.isWhitespace(text.charAt(to)) && "\"'`<>".indexOf(text.charAt(to)) < 0) {
                    to++;
                }
                // The length of the current run of token characters, counted without a branch per character (runs
                // are short and end unpredictably); negative inside a run that began before the window, which
                // holds no start.
                int run = from > 0 && tokenChars.test(text.charAt(from - 1)) ? Integer.MIN_VALUE / 2 : 0;
                for (int at = from; at < to || (run > 0 && at < text.length()); at++) {
                    run = (run + 1) & -(tokenChars.test(text.charAt(at)) ? 1 : 0);
                    if (run == minLength) { // a long enough run, begun inside the window: find its end
                        int runStart = at + 1 - minLength;
                        int runEnd = at + 1;
                        while (runEnd < text.length() && tokenChars.test(text.charAt(runEnd))) {
                            runEnd++;
                        }
                        if (runEnd <= to + 1) {
                            starts.add(runStart);
                        }
                        at = runEnd;
                        run = 0;
                    }
                }
                scanned = Math.max(scanned, to);
            }
            return starts.sorted();
        });
    }

    /** Whether the hint found at {@code [start, end)} of the text counts (e.g. is a word of its own). */
    @FunctionalInterface
    interface HintFilter {
        boolean test(String text, int start, int end);
    }

    /** Wherever a scan of the text says (for rules with no literal to look for, such as card numbers). */
    static Candidates scanned(Function<String, int[]> scan) {
        return new Candidates(List.of(), (text, view, occurrences) -> scan.apply(text));
    }

    /** A growable list of positions. */
    static final class Ints {
        private int[] values = new int[8];
        private int size;

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int[] sorted() {
            int[] result = Arrays.copyOf(values, size);
            for (int i = 1; i < size; i++) {
                if (result[i] < result[i - 1]) {
                    Arrays.sort(result);
                    break;
                }
            }
            return result;
        }
    }
}
