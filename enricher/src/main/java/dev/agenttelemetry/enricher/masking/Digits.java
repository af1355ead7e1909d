package dev.agenttelemetry.enricher.masking;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Finds digits in a text eight characters at a time, for the scans of rules that start at a digit (card
 * numbers, IBANs): most of a text has none, and one test of a {@code long} skips eight characters.
 */
final class Digits {
    private static final VarHandle EIGHT_BYTES = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW_SEVEN_BITS = 0x7F7F7F7F7F7F7F7FL;
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Digits() {
    }

    /**
     * The text as one byte per character, index for index: a Latin-1 text is copied as it is (an array copy);
     * a character outside Latin-1 becomes {@code ?}, which is not a digit, a letter or a separator to any scan.
     */
    static byte[] latin1(String text) {
        byte[] chars = text.getBytes(StandardCharsets.ISO_8859_1);
        if (chars.length == text.length()) {
            return chars;
        }
        // The encoder made one '?' of each surrogate pair (an emoji): map character by character instead.
        chars = new byte[text.length()];
        for (int i = 0; i < chars.length; i++) {
            char c = text.charAt(i);
            chars[i] = (byte) (c < 256 ? c : '?');
        }
        return chars;
    }

    /** The index of the first ASCII digit at or after {@code from}, or {@code chars.length} if there is none. */
    static int next(byte[] chars, int from) {
        int i = from;
        for (; i + Long.BYTES <= chars.length; i += Long.BYTES) {
            long digits = digitsIn((long) EIGHT_BYTES.get(chars, i));
            if (digits != 0) {
                return i + (Long.numberOfTrailingZeros(digits) >>> 3);
            }
        }
        while (i < chars.length && !MaskingRules.isDigit(chars[i])) {
            i++;
        }
        return i;
    }

    /**
     * The high bit of each byte of {@code word} that is an ASCII digit: its low seven bits are at least '0' and
     * not above '9', and its own high bit is clear (adding to the low seven bits never carries into the next byte).
     */
    private static long digitsIn(long word) {
        long low = word & LOW_SEVEN_BITS;
        long atLeastZero = low + 0x5050505050505050L; // 0x30 + 0x50 = 0x80
        long aboveNine = low + 0x4646464646464646L;  // 0x3A + 0x46 = 0x80
        return atLeastZero & ~aboveNine & ~word & HIGH_BITS;
    }
}
