package dev.agenttelemetry.benchmarks;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.OptionalDouble;

/**
 * A warm-up that lasts until the JIT compiler has settled. With a broker, the component under test and the
 * load generator in one JVM there is a lot of code to compile: on 2 cores C2 still took most of a core 30 s
 * after start, which doubled the collector's p99 and halved its saturation throughput. The load runs in
 * slices until the compiler spent less than a tenth of a slice compiling, or until the bound. The compiler
 * watched is this JVM's or, for the whole pipeline, that of the JVM under test.
 */
final class JitWarmup {
    /** One slice of warm-up load. */
    interface Slice {
        void run() throws InterruptedException;
    }

    /** Seconds a JVM's compiler has spent so far; empty when they cannot be read. */
    interface CompileClock {
        OptionalDouble seconds() throws InterruptedException;
    }

    /** This JVM's compiler. */
    static CompileClock thisJvm() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return () -> OptionalDouble.of(jit.getTotalCompilationTime() / 1e3);
    }

    /** How the warm-up went, for the report. */
    record Result(Duration took, double firstShare, double lastShare, boolean settled) {
        @Override
        public String toString() {
            if (took.isZero()) {
                return "no warm-up: the JIT compiler was still busy during the runs";
            }
            return String.format("warm-up %d s: the JIT compiler took %.0f %% of a core in the first slice, %.0f %% in the last%s", took.toSeconds(),
                    100 * firstShare, 100 * lastShare, settled ? "" : " (not settled within the bound)");
        }
    }

    private static final double SETTLED = 0.10;

    private JitWarmup() {
    }

    /**
     * Runs slices until the compiler has settled or {@code bound} has passed (the whole bound when the clock
     * cannot be read); a zero bound runs none.
     */
    static Result run(Duration bound, CompileClock clock, Slice slice) throws InterruptedException {
        if (bound.isZero()) {
            return new Result(Duration.ZERO, 0, 0, false);
        }
        long start = System.nanoTime();
        double first = -1;
        double share;
        do {
            OptionalDouble compiledBefore = clock.seconds();
            long sliceStart = System.nanoTime();
            slice.run();
            OptionalDouble compiledAfter = clock.seconds();
            share = compiledBefore.isPresent() && compiledAfter.isPresent()
                    ? (compiledAfter.getAsDouble() - compiledBefore.getAsDouble()) / ((System.nanoTime() - sliceStart) / 1e9) : 1;
            first = first < 0 ? share : first;
            BenchEnvironment.progress(String.format("warming up: the JIT compiler took %.0f %% of a core", 100 * share));
        } while (share >= SETTLED && System.nanoTime() - start < bound.toNanos());
        return new Result(Duration.ofNanos(System.nanoTime() - start), first, share, share < SETTLED);
    }
}
