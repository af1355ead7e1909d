package dev.agenttelemetry.enricher.masking;

/**
 * A text as the rules see it: JSON's escapes ({@code \n}, {@code \"}, {@code \\}, {@code \u00e9}) read as as many
 * spaces. In a JSON text held in a string (a transcript in a tool's output, a payload line given to
 * {@code agent-telemetry mask}) an escape's letter would otherwise glue itself to the next token ({@code \nAKIA...})
 * and {@code \"token\": \"...\"} would hide the value's quotes. The text keeps its length, so positions found here
 * hold in it; one bit per character marks the blanked ones, so making a view costs no copy of the text.
 */
final class EscapeBlankedText implements CharSequence {
    private final String text;
    private final long[] blanked;

    private EscapeBlankedText(String text, long[] blanked) {
        this.text = text;
        this.blanked = blanked;
    }

    /** The text itself when it holds no escape, else its view. */
    static CharSequence of(String text) {
        long[] blanked = null;
        for (int i = text.indexOf('\\'); i >= 0 && i < text.length() - 1; i = text.indexOf('\\', i)) {
            char next = text.charAt(i + 1);
            int length = "nrtbf\"\\/".indexOf(next) >= 0 ? 2 : next == 'u' && i + 5 < text.length() && isHex(text, i + 2) ? 6 : 0;
            if (length == 0) {
                i++;
                continue;
            }
            if (blanked == null) {
                blanked = new long[(text.length() + 63) >>> 6];
            }
            for (int j = i; j < i + length; j++) {
                blanked[j >>> 6] |= 1L << j;
            }
            i += length;
        }
        return blanked == null ? text : new EscapeBlankedText(text, blanked);
    }

    private static boolean isHex(String text, int from) {
        for (int i = from; i < from + 4; i++) {
            if (Character.digit(text.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public char charAt(int index) {
        return (blanked[index >>> 6] & 1L << index) != 0 ? ' ' : text.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        char[] chars = new char[end - start];
        for (int i = start; i < end; i++) {
            chars[i - start] = charAt(i);
        }
        return new String(chars);
    }

    @Override
    public String toString() {
        return subSequence(0, length()).toString();
    }
}
