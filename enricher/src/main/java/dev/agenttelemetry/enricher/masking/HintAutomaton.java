package dev.agenttelemetry.enricher.masking;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds every occurrence of a set of lower-case ASCII literals (the rules' hints) in one pass over a text,
 * ignoring ASCII case: an Aho-Corasick automaton compiled to a full transition table over the characters
 * the hints use. One pass replaces one {@code indexOf} per hint, which cost more than the rules themselves.
 */
final class HintAutomaton {
    private final int[] symbolOf = new int[128]; // 0: a character no hint uses
    private final int symbols;
    /**
     * {@code [row + symbol]} is the next state's row ({@code state * symbols}), bitwise-inverted (negative)
     * when hints end in that state, so the scan's common case is one table lookup a character.
     */
    private final int[] transitions;
    private final int[][] hintsEndingAt; // per state, the ids of the hints that end there
    private final int[] lengths;
    private final int maxLength;

    HintAutomaton(List<String> hints) {
        lengths = hints.stream().mapToInt(String::length).toArray();
        maxLength = Arrays.stream(lengths).max().orElse(0);
        int next = 1;
        for (String hint : hints) {
            if (hint.isEmpty()) {
                throw new IllegalArgumentException("a hint cannot be empty");
            }
            for (char c : hint.toCharArray()) {
                if (c >= 128 || (c >= 'A' && c <= 'Z')) {
                    throw new IllegalArgumentException("hints are lower-case ASCII: " + hint);
                }
                if (symbolOf[c] == 0) {
                    symbolOf[c] = next++;
                }
            }
        }
        for (char c = 'A'; c <= 'Z'; c++) {
            symbolOf[c] = symbolOf[c + ('a' - 'A')];
        }
        symbols = next;

        List<int[]> trie = new ArrayList<>();
        List<int[]> output = new ArrayList<>();
        trie.add(new int[symbols]);
        output.add(new int[0]);
        for (int id = 0; id < hints.size(); id++) {
            int state = 0;
            for (char c : hints.get(id).toCharArray()) {
                int symbol = symbolOf[c];
                if (trie.get(state)[symbol] == 0) {
                    trie.get(state)[symbol] = trie.size();
                    trie.add(new int[symbols]);
                    output.add(new int[0]);
                }
                state = trie.get(state)[symbol];
            }
            output.set(state, append(output.get(state), id));
        }
        // Breadth first: a state's fallback (longest proper suffix that is a prefix) is complete before its children.
        int[] fallback = new int[trie.size()];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int symbol = 1; symbol < symbols; symbol++) {
            if (trie.get(0)[symbol] != 0) {
                queue.add(trie.get(0)[symbol]);
            }
        }
        while (!queue.isEmpty()) {
            int state = queue.poll();
            for (int symbol = 1; symbol < symbols; symbol++) {
                int child = trie.get(state)[symbol];
                if (child == 0) {
                    trie.get(state)[symbol] = trie.get(fallback[state])[symbol];
                } else {
                    fallback[child] = trie.get(fallback[state])[symbol];
                    int[] inherited = output.get(fallback[child]);
                    for (int id : inherited) {
                        output.set(child, append(output.get(child), id));
                    }
                    queue.add(child);
                }
            }
        }
        transitions = new int[trie.size() * symbols];
        for (int state = 0; state < trie.size(); state++) {
            for (int symbol = 0; symbol < symbols; symbol++) {
                int target = trie.get(state)[symbol];
                transitions[state * symbols + symbol] = output.get(target).length > 0 ? ~(target * symbols) : target * symbols;
            }
        }
        hintsEndingAt = output.toArray(new int[0][]);
    }

    private static int[] append(int[] ids, int id) {
        int[] longer = Arrays.copyOf(ids, ids.length + 1);
        longer[ids.length] = id;
        return longer;
    }

    /** Texts shorter than this are scanned in one lane: splitting them would gain little. */
    private static final int TWO_LANES_FROM = 256;

    /**
     * Every occurrence of every hint in the text. A long text is scanned as two halves side by side: each step
     * of the automaton waits for the previous step's table lookup, and two independent lanes let the processor
     * do two lookups at a time. The first lane runs on past the middle by the longest hint's length less one, so
     * it finds every occurrence that starts in the first half; the second finds those that start in the second.
     */
    Hits scan(String text) {
        int n = text.length();
        if (n < TWO_LANES_FROM) {
            return scanInOneLane(text);
        }
        Hits hits = new Hits(lengths);
        int middle = n / 2;
        int firstEnd = Math.min(n, middle + maxLength - 1); // the first lane's end: it reports starts before the middle
        int rowA = 0;
        int rowB = 0;
        int a = 0;
        int b = middle;
        for (; a < firstEnd && b < n; a++, b++) {
            char ca = text.charAt(a);
            char cb = text.charAt(b);
            rowA = transitions[rowA + (ca < 128 ? symbolOf[ca] : 0)];
            rowB = transitions[rowB + (cb < 128 ? symbolOf[cb] : 0)];
            if (rowA < 0) {
                rowA = ~rowA;
                report(rowA, a, middle, hits);
            }
            if (rowB < 0) {
                rowB = ~rowB;
                report(rowB, b, n, hits);
            }
        }
        continueLane(text, a, firstEnd, middle, rowA, hits);
        continueLane(text, b, n, n, rowB, hits);
        return hits;
    }

    /** The plain scan, one character after the other (and what the two-lane scan is tested against). */
    Hits scanInOneLane(String text) {
        Hits hits = new Hits(lengths);
        continueLane(text, 0, text.length(), text.length(), 0, hits);
        return hits;
    }

    /** Scans {@code [from, to)} on from the state of {@code row}, reporting occurrences that start before {@code reportBefore}. */
    private void continueLane(String text, int from, int to, int reportBefore, int row, Hits hits) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            row = transitions[row + (c < 128 ? symbolOf[c] : 0)];
            if (row < 0) {
                row = ~row;
                report(row, i, reportBefore, hits);
            }
        }
    }

    /** Adds the hints that end at {@code end} (inclusive) in the state of this row, if they start before {@code startBefore}. */
    private void report(int row, int end, int startBefore, Hits hits) {
        for (int id : hintsEndingAt[row / symbols]) {
            int start = end + 1 - lengths[id];
            if (start < startBefore) {
                hits.add(id, start);
            }
        }
    }

    /** Where each hint occurs in one text. */
    static final class Hits {
        private final int[] lengths;
        private int[] ids = new int[16];
        private int[] starts = new int[16];
        private int size;

        private Hits(int[] lengths) {
            this.lengths = lengths;
        }

        /** Which rules have one of their hints here, given the rules (by index) of each hint id. */
        boolean[] rulesHinted(int[][] rulesOfHint, int rules) {
            boolean[] hinted = new boolean[rules];
            for (int i = 0; i < size; i++) {
                for (int rule : rulesOfHint[ids[i]]) {
                    hinted[rule] = true;
                }
            }
            return hinted;
        }

        private void add(int id, int start) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
                starts = Arrays.copyOf(starts, size * 2);
            }
            ids[size] = id;
            starts[size++] = start;
        }

        /**
         * The occurrences of the wanted hints, in ascending order of start, each packed as
         * {@code start << 32 | end} (see {@link #start} and {@link #end}).
         */
        long[] of(boolean[] wanted) {
            long[] found = new long[size];
            int n = 0;
            for (int i = 0; i < size; i++) {
                if (wanted[ids[i]]) {
                    found[n++] = (long) starts[i] << 32 | (starts[i] + lengths[ids[i]]);
                }
            }
            found = Arrays.copyOf(found, n);
            Arrays.sort(found); // found in order of their ends: a shorter hint ending later may start earlier
            return found;
        }

        static int start(long occurrence) {
            return (int) (occurrence >>> 32);
        }

        static int end(long occurrence) {
            return (int) occurrence;
        }
    }
}
