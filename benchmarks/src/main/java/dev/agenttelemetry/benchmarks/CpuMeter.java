package dev.agenttelemetry.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CPU time spent during a run by the threads under test, by the load generator, and by everything else in
 * the process (broker, garbage collector, JIT), from the JVM's per-thread and process CPU clocks. On a
 * shared machine this says what one event costs each party, which a throughput figure alone cannot. The
 * load generator's thread ends with its run, so it reports its own CPU time.
 */
final class CpuMeter {
    /** CPU nanoseconds of one run, split three ways. */
    record Split(long underTestNanos, long loadNanos, long restNanos) {
        String perEvent(long events) {
            return events == 0 ? "-" : String.format("%d / %d / %d", underTestNanos / 1_000 / events, loadNanos / 1_000 / events,
                    restNanos / 1_000 / events);
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final Predicate<String> underTest;
    private final Map<Long, Long> threadStart = new HashMap<>();
    private final long processStart;

    private CpuMeter(Predicate<String> underTest) {
        this.underTest = underTest;
        for (long id : THREADS.getAllThreadIds()) {
            threadStart.put(id, Math.max(0, THREADS.getThreadCpuTime(id)));
        }
        this.processStart = OS.getProcessCpuTime();
    }

    /** Starts measuring; the threads under test are told by their names. */
    static CpuMeter start(Predicate<String> underTest) {
        return new CpuMeter(underTest);
    }

    /** CPU time this whole process has used so far. */
    static long processCpuNanos() {
        return OS.getProcessCpuTime();
    }

    /** @param loadNanos the CPU time the load generator reported for the run */
    Split stop(long loadNanos) {
        long process = OS.getProcessCpuTime() - processStart;
        long ours = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue; // ended meanwhile
            }
            long cpu = THREADS.getThreadCpuTime(info.getThreadId());
            if (cpu < 0) {
                continue;
            }
            long used = cpu - threadStart.getOrDefault(info.getThreadId(), 0L);
            if (underTest.test(info.getThreadName())) {
                ours += used;
            }
        }
        return new Split(ours, loadNanos, Math.max(0, process - ours - loadNanos));
    }
}
