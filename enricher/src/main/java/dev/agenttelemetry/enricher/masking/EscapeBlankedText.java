package dev.agenttelemetry.enricher.masking;

/**
 * A text as the rules see it: JSON's escapes ({@code \n}, {@code \"}, {@code \\}, {@code \u00e9}) read as as many
 * spaces. In a JSON text held in a string (a transcript in a tool's output, a payload line given to
 * {@code agent-telemetry mask}) an escape's letter would otherwise glue itself to the next token ({@code \nAKIA...})
 * and {@code \"token\": \"...\"} would hide the value's quotes. The view keeps the text's length, so positions found
 * in it hold in the text.
 */
final class EscapeBlankedText {
    private EscapeBlankedText() {
    }

    /** The text itself when it holds no escape, else a copy with its escapes blanked (a byte copy for Latin-1 text). */
    static String of(String text) {
        StringBuilder view = null;
        for (int i = text.indexOf('\\'); i >= 0 && i < text.length() - 1; i = text.indexOf('\\', i)) {
            int length = escapeLength(text, i);
            if (length == 0) {
                i++;
                continue;
            }
            if (view == null) {
                view = new StringBuilder(text);
            }
            for (int j = i; j < i + length; j++) {
                view.setCharAt(j, ' ');
            }
            i += length; // an escaped backslash (\\) is passed over with its escape
        }
        return view == null ? text : view.toString();
    }

    /** The length of the escape that begins at this backslash: 2 ({@code \n}, {@code \"}, ...), 6 ({@code \u00e9}), or 0. */
    private static int escapeLength(String text, int backslash) {
        char next = text.charAt(backslash + 1);
        if ("nrtbf\"\\/".indexOf(next) >= 0) {
            return 2;
        }
        return next == 'u' && backslash + 5 < text.length() && isHex(text, backslash + 2) ? 6 : 0;
    }

    private static boolean isHex(String text, int from) {
        for (int i = from; i < from + 4; i++) {
            if (Character.digit(text.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
