package dev.agenttelemetry.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.ToIntFunction;

/**
 * Hook payloads shaped like real Claude Code traffic: PreToolUse/PostToolUse pairs whose sizes follow
 * the measured distribution (median ~2 KB, p99 ~33 KB, a few of 100 KB and more: Edit and Write
 * responses carry whole files), spread over sessions. Deterministic for a given seed.
 */
public final class Payloads {
    private static final String[] WORDS = ("public private final static void class interface return if else for while new this "
            + "String int long boolean List Map Optional import package throws Exception catch try null true false "
            + "[INFO] [WARN] [ERROR] BUILD SUCCESS Tests run: Failures: Errors: Skipped: Time elapsed: src/main/java "
            + "src/test/java target pom.xml dependency version groupId artifactId config value key topic partition offset "
            + "session event hook tool user prompt file path line column function const let var => {} () [] ; , . = == != "
            + "&& || + - * / % < > <= >= // TODO FIXME README.md package.json node_modules npm run test build lint").split(" ");

    private Payloads() {
    }

    public static List<byte[]> generate(int count, int sessions, long seed) {
        return generate(count, sessions, seed, random -> {
            double bucket = random.nextDouble();
            return bucket < 0.60 ? 600 + random.nextInt(1900)   // prompts, Bash, Grep, small results
                    : bucket < 0.90 ? 2_500 + random.nextInt(5_500)     // typical tool results
                    : bucket < 0.99 ? 8_000 + random.nextInt(25_000)    // file reads and edits
                    : 33_000 + random.nextInt(170_000);                 // whole files in Write/Edit responses
        });
    }

    /**
     * The masker's benchmark payloads: {@code median}, the 100 of 2,000 closest to 2 KB; {@code mix}, 1,000 drawn
     * from the whole size distribution. JMH's {@code MaskerBenchmark} and {@code MaskerSideBySide} use the same.
     */
    public static List<String> forMasker(String kind) {
        List<byte[]> generated = new ArrayList<>(generate(kind.equals("median") ? 2_000 : 1_000, 20, 7));
        if (kind.equals("median")) {
            generated.sort(Comparator.comparingInt(p -> Math.abs(p.length - 2048)));
            generated = generated.subList(0, 100);
        }
        return generated.stream().map(p -> new String(p, StandardCharsets.UTF_8)).toList();
    }

    /** The same traffic with every payload about {@code bytes} long (at least its ~380 bytes of head). */
    public static List<byte[]> ofSize(int count, int sessions, long seed, int bytes) {
        return generate(count, sessions, seed, random -> bytes);
    }

    private static List<byte[]> generate(int count, int sessions, long seed, ToIntFunction<Random> sizes) {
        Random random = new Random(seed);
        List<byte[]> payloads = new ArrayList<>(count);
        String session = null;
        for (int i = 0; i < count; i++) {
            int size = sizes.applyAsInt(random);
            if (i % 2 == 0) {
                session = "bench-session-" + random.nextInt(sessions); // a PostToolUse follows its PreToolUse in the same session
            }
            payloads.add(payload(session, i, size, random));
        }
        return payloads;
    }

    private static byte[] payload(String session, int n, int size, Random random) {
        boolean post = n % 2 == 1;
        String head = "{\"session_id\":\"" + session + "\",\"transcript_path\":\"/home/dev/.claude/projects/shop/" + session + ".jsonl\","
                + "\"cwd\":\"/home/dev/shop\",\"permission_mode\":\"default\",\"hook_event_name\":\"" + (post ? "PostToolUse" : "PreToolUse")
                + "\",\"tool_name\":\"Bash\",\"tool_use_id\":\"toolu_" + n / 2 + "\",\"tool_input\":{\"command\":\"mvn -q test -pl core\","
                + "\"description\":\"run the tests\"}";
        int fill = Math.max(0, size - head.length() - 40);
        StringBuilder text = new StringBuilder(fill + 16);
        while (text.length() < fill) {
            // Source code and build output: words from a limited vocabulary, numbers, line breaks.
            text.append(WORDS[random.nextInt(WORDS.length)]).append(random.nextInt(8) == 0 ? "\\n" : " ");
            if (random.nextInt(12) == 0) {
                text.append(random.nextInt(100_000)).append(' ');
            }
        }
        text.setLength(fill);
        if (text.length() > 0 && text.charAt(text.length() - 1) == '\\') {
            text.setCharAt(text.length() - 1, ' ');
        }
        String body = post ? head + ",\"tool_response\":{\"stdout\":\"" + text + "\",\"stderr\":\"\"}}"
                : head + ",\"note\":\"" + text + "\"}";
        return body.getBytes(StandardCharsets.UTF_8);
    }

    /** Prints COUNT payloads (default 1,000) as NDJSON, for load generators outside the JVM ({@code collector/wrk/run.sh}). */
    public static void main(String[] args) {
        for (byte[] payload : generate(args.length > 0 ? Integer.parseInt(args[0]) : 1_000, 50, 42)) {
            System.out.println(new String(payload, StandardCharsets.UTF_8)); // one line each: newlines in the text are escaped
        }
    }

    /** Size percentiles of a payload set, for the report. */
    public static String describe(List<byte[]> payloads) {
        int[] sizes = payloads.stream().mapToInt(p -> p.length).sorted().toArray();
        return String.format("%d payloads, median %.1f KB, p99 %.1f KB, max %.1f KB", sizes.length,
                sizes[sizes.length / 2] / 1024.0, sizes[(int) (sizes.length * 0.99)] / 1024.0, Arrays.stream(sizes).max().orElse(0) / 1024.0);
    }
}
