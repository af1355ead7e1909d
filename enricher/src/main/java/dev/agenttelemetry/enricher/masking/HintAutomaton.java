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

    HintAutomaton(List<String> hints) {
        lengths = hints.stream().mapToInt(String::length).toArray();
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

    /** Every occurrence of every hint in the text. */
    Hits scan(String text) {
        Hits hits = new Hits(lengths);
        int row = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            row = transitions[row + (c < 128 ? symbolOf[c] : 0)];
            if (row < 0) {
                row = ~row;
                for (int id : hintsEndingAt[row / symbols]) {
                    hits.add(id, i + 1 - lengths[id]);
                }
            }
        }
        return hits;
    }

    /** Where each hint occurs in one text. */
    static final class Hits {
        private final int[] lengths;
        private final boolean[] present; // per hint id: a rule's test is then a few lookups, not a pass over every occurrence
        private int[] ids = new int[16];
        private int[] starts = new int[16];
        private int size;

        private Hits(int[] lengths) {
            this.lengths = lengths;
            this.present = new boolean[lengths.length];
        }

        /** Whether any of the wanted hints (by id) occurs. */
        boolean anyOf(int[] wanted) {
            for (int id : wanted) {
                if (present[id]) {
                    return true;
                }
            }
            return false;
        }

        private void add(int id, int start) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
                starts = Arrays.copyOf(starts, size * 2);
            }
            ids[size] = id;
            starts[size++] = start;
            present[id] = true;
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
