package dev.agenttelemetry.benchmarks;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Two builds of the masker in one JVM, each from its own enricher jar in a class loader of its own, alternating one
 * second at a time on the JMH benchmark's payloads. On a noisy VM two JMH runs of one build differ by more than two
 * builds do; rounds that alternate within a second of each other see the same machine.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.agenttelemetry.benchmarks.MaskerSideBySide BEFORE.jar AFTER.jar [ROUNDS]</pre>
 */
public final class MaskerSideBySide {
    /** Rounds left out at the start, while the JIT compiles both maskers. */
    private static final int WARM_UP_ROUNDS = 2;

    private MaskerSideBySide() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !Files.isRegularFile(Path.of(args[0])) || !Files.isRegularFile(Path.of(args[1]))) {
            System.err.println("usage: MaskerSideBySide BEFORE-enricher.jar AFTER-enricher.jar [ROUNDS, default 14]");
            System.exit(2);
        }
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 14;
        URL ownJar = MaskerSideBySide.class.getProtectionDomain().getCodeSource().getLocation();
        Object[] maskers = new Object[2];
        Method[] mask = new Method[2];
        for (int build = 0; build < 2; build++) {
            // The enricher jar first, so its masker is loaded, not the one bundled in this jar; its libraries come from this jar.
            ClassLoader loader = new URLClassLoader(new URL[]{Path.of(args[build]).toUri().toURL(), ownJar}, ClassLoader.getPlatformClassLoader());
            Class<?> masker = loader.loadClass("dev.agenttelemetry.enricher.masking.Masker");
            maskers[build] = masker.getMethod("withDefaultRules").invoke(null);
            mask[build] = masker.getMethod("mask", String.class);
        }
        for (String kind : List.of("median", "mix")) {
            List<String> texts = Payloads.forMasker(kind);
            double[][] perSecond = new double[2][rounds];
            for (int round = 0; round < rounds; round++) {
                for (int turn = 0; turn < 2; turn++) {
                    int build = round % 2 == 0 ? turn : 1 - turn; // who goes first alternates too
                    perSecond[build][round] = oneSecond(maskers[build], mask[build], texts);
                }
            }
            for (int build = 0; build < 2; build++) {
                double[] measured = Arrays.copyOfRange(perSecond[build], Math.min(WARM_UP_ROUNDS, rounds - 1), rounds);
                Arrays.sort(measured);
                double median = measured.length % 2 == 1 ? measured[measured.length / 2]
                        : (measured[measured.length / 2 - 1] + measured[measured.length / 2]) / 2;
                System.out.printf("%s payloads, %s (%s): median round %,.0f/s, slowest %,.0f/s, fastest %,.0f/s%n", kind,
                        build == 0 ? "before" : "after", args[build], median, measured[0], measured[measured.length - 1]);
            }
        }
    }

    private static double oneSecond(Object masker, Method mask, List<String> texts) throws ReflectiveOperationException {
        long end = System.nanoTime() + 1_000_000_000L;
        long done = 0;
        int next = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 50; i++) {
                next = (next + 1) % texts.size();
                mask.invoke(masker, texts.get(next));
                done++;
            }
        }
        return done;
    }
}
