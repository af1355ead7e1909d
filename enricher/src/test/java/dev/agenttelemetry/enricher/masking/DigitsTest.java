package dev.agenttelemetry.enricher.masking;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class DigitsTest {
    @Test
    void findsEachDigitWhereverItFallsInABlockOfEight() {
        // '¹' (0xB9) and '°' (0xB0) have a digit's low seven bits; '/' and ':' sit just outside '0'-'9'.
        String text = "abc/:¹°é 0xyz/:¹°éabcdefgh9 日本😀1";
        byte[] chars = Digits.latin1(text);
        List<Integer> found = new ArrayList<>();
        for (int i = Digits.next(chars, 0); i < chars.length; i = Digits.next(chars, i + 1)) {
            found.add(i);
        }
        assertThat(found).containsExactly(text.indexOf('0'), text.indexOf('9'), text.indexOf('1'));
        assertThat(Digits.next(Digits.latin1("no digits at all here"), 0)).isEqualTo("no digits at all here".length());
    }

    @Test
    void cardNumberAndIbanStartsAreThoseOfTheirPlainDefinitions() {
        Random random = new Random(3);
        String alphabet = "0123456789 -AZGBDEabc_x¹é日\n";
        for (int round = 0; round < 5_000; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(120);
            while (text.length() < length) {
                // runs of digits and capitals make candidates likely
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                text.append(String.valueOf(c).repeat(1 + (Character.isDigit(c) ? random.nextInt(6) : 0)));
                if (random.nextInt(40) == 0) {
                    text.append("😀"); // two chars: a surrogate pair
                }
            }
            String value = text.toString();
            assertThat(MaskingRules.cardNumberStarts(value)).as(value).containsExactly(plainCardNumberStarts(value));
            assertThat(MaskingRules.ibanStarts(value)).as(value).containsExactly(plainIbanStarts(value));
        }
    }

    /** A digit not right after a digit or a dash, with at least 13 digits from there, single spaces or dashes between them. */
    private static int[] plainCardNumberStarts(String text) {
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            if (!isDigit(text.charAt(i)) || (i > 0 && (isDigit(text.charAt(i - 1)) || text.charAt(i - 1) == '-'))) {
                continue;
            }
            int digits = 1;
            for (int j = i + 1; j < text.length() && digits < 13; j++) {
                char c = text.charAt(j);
                if (isDigit(c)) {
                    digits++;
                } else if (!((c == ' ' || c == '-') && isDigit(text.charAt(j - 1)))) {
                    break;
                }
            }
            if (digits >= 13) {
                starts.add(i);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Two capitals, then two digits, not inside a word. */
    private static int[] plainIbanStarts(String text) {
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i + 3 < text.length(); i++) {
            if (isUpper(text.charAt(i)) && isUpper(text.charAt(i + 1)) && isDigit(text.charAt(i + 2)) && isDigit(text.charAt(i + 3))
                    && (i == 0 || !MaskingRules.isWordChar(text.charAt(i - 1)))) {
                starts.add(i);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }
}
