package dev.agenttelemetry.collector.spool;

import dev.agenttelemetry.avro.HookEnvelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class SpoolTest {
    @TempDir
    Path dir;

    private static HookEnvelope envelope(int n) {
        return HookEnvelope.newBuilder().setEventId("e" + n).setReceivedAt(Instant.ofEpochMilli(1_000 + n))
                .setHookEventName("PreToolUse").setSessionId("s" + (n % 3)).setCwd(n % 2 == 0 ? null : "/p")
                .setPayload("{\"n\":" + n + ",\"text\":\"line\\nbreak\"}").setGitBranch("main").build();
    }

    private Spool open(long maxBytes, long segmentBytes) throws Exception {
        return Spool.open(dir, maxBytes, segmentBytes, FsyncPolicy.ALWAYS, Duration.ofMillis(20));
    }

    private static List<HookEnvelope> readAll(Spool spool) throws Exception {
        List<HookEnvelope> all = new ArrayList<>();
        Spool.Position at = spool.replayedPosition();
        List<Spool.Entry> batch;
        while (!(batch = spool.read(at, 7)).isEmpty()) {
            batch.forEach(e -> all.add(e.envelope()));
            at = batch.get(batch.size() - 1).next();
        }
        return all;
    }

    private static void appendAll(Spool spool, int from, int to) throws Exception {
        List<CompletableFuture<Void>> written = new ArrayList<>();
        for (int i = from; i < to; i++) {
            written.add(spool.append(envelope(i)));
        }
        CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get();
    }

    @Test
    void keepsOrderAcrossSegmentsAndReopens() throws Exception {
        try (Spool spool = open(1 << 30, 1024)) {
            appendAll(spool, 0, 40);
            assertThat(spool.pendingEntries()).isEqualTo(40);
            assertThat(readAll(spool)).containsExactlyElementsOf(expected(0, 40));
        }
        try (Spool reopened = open(1 << 30, 1024)) {
            assertThat(reopened.pendingEntries()).isEqualTo(40);
            appendAll(reopened, 40, 45);
            assertThat(readAll(reopened)).containsExactlyElementsOf(expected(0, 45));
        }
    }

    /** A disk that refuses the position file must not make replay start over (every batch would be sent again). */
    @Test
    void replayGoesOnFromTheCommittedPositionWhenItsFileCannotBeWritten() throws Exception {
        try (Spool spool = open(1 << 30, 1024)) {
            appendAll(spool, 0, 20);
            Files.createDirectory(dir.resolve("replayed.position.tmp")); // every write of the position file now fails
            List<Spool.Entry> first = spool.read(spool.replayedPosition(), 12);
            spool.commit(first.get(11).next(), 12);
            assertThat(spool.pendingEntries()).isEqualTo(8);
            assertThat(readAll(spool)).containsExactlyElementsOf(expected(12, 20));
        }
    }

    @Test
    void committedEntriesAreNotReplayedAgainAndOldSegmentsGo() throws Exception {
        try (Spool spool = open(1 << 30, 1024)) {
            for (int i = 0; i < 40; i++) {
                spool.append(envelope(i)).get(); // one at a time: a group commit writes a whole group into one segment
            }
            long segmentsBefore = segmentCount();
            List<Spool.Entry> first = spool.read(spool.replayedPosition(), 30);
            spool.commit(first.get(29).next(), 30);
            assertThat(spool.pendingEntries()).isEqualTo(10);
            assertThat(segmentCount()).isLessThan(segmentsBefore);
        }
        try (Spool reopened = open(1 << 30, 1024)) {
            assertThat(reopened.pendingEntries()).isEqualTo(10);
            assertThat(readAll(reopened)).containsExactlyElementsOf(expected(30, 40));
        }
    }

    @Test
    void cutsATornLastLineOnOpen() throws Exception {
        try (Spool spool = open(1 << 30, 1 << 20)) {
            appendAll(spool, 0, 3);
        }
        Path segment;
        try (Stream<Path> files = Files.list(dir)) {
            segment = files.filter(f -> f.getFileName().toString().startsWith("segment-")).findFirst().orElseThrow();
        }
        Files.write(segment, "0badc0de {\"event_id\":\"torn".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        try (Spool reopened = open(1 << 30, 1 << 20)) {
            assertThat(reopened.pendingEntries()).isEqualTo(3);
            appendAll(reopened, 3, 4);
            assertThat(readAll(reopened)).containsExactlyElementsOf(expected(0, 4));
        }
    }

    @Test
    void quarantinesACorruptRecordInsteadOfBlockingReplay() throws Exception {
        try (Spool spool = open(1 << 30, 1 << 20)) {
            appendAll(spool, 0, 2);
        }
        Path segment;
        try (Stream<Path> files = Files.list(dir)) {
            segment = files.filter(f -> f.getFileName().toString().startsWith("segment-")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(segment);
        bytes[12] = (byte) (bytes[12] == 'x' ? 'y' : 'x'); // flip a byte of the first record's JSON: checksum mismatch
        Files.write(segment, bytes);
        try (Spool reopened = open(1 << 30, 1 << 20)) {
            List<HookEnvelope> all = readAll(reopened);
            assertThat(all).hasSize(2);
            assertThat(all.get(0)).isNull();
            assertThat(all.get(1)).isEqualTo(envelope(1));
            assertThat(dir.resolve("corrupt-records.log")).exists();
        }
    }

    @Test
    void refusesAppendsBeyondItsBound() throws Exception {
        try (Spool spool = open(1 << 20, 1 << 20)) {
            int accepted = 0;
            Throwable refusal = null;
            for (int i = 0; i < 100_000 && refusal == null; i++) {
                try {
                    spool.append(envelope(i)).get();
                    accepted++;
                } catch (ExecutionException e) {
                    refusal = e.getCause();
                }
            }
            assertThat(refusal).isInstanceOf(SpoolFullException.class).hasMessageContaining("collector.spool.max.bytes");
            assertThat(accepted).isGreaterThan(1000);
            assertThat(spool.bytesOnDisk()).isLessThanOrEqualTo(1 << 20);
            assertThat(spool.pendingEntries()).isEqualTo(accepted).isEqualTo(readAll(spool).size());
        }
    }

    /**
     * A real ENOSPC from the kernel: the next segment is Linux's {@code /dev/full}, on which every write fails with
     * "No space left on device". The append that hits it is refused with that reason; what was written before stays.
     */
    @Test
    void aFullDiskRefusesTheAppendWithTheKernelsReasonAndKeepsWhatWasWritten() throws Exception {
        assertThat(Path.of("/dev/full")).as("Linux's always-full device").exists();
        try (Spool spool = open(1 << 30, 1024)) {
            Files.createSymbolicLink(dir.resolve(String.format("segment-%020d.log", 1)), Path.of("/dev/full"));
            int accepted = 0;
            Throwable refusal = null;
            for (int i = 0; i < 1_000 && refusal == null; i++) {
                try {
                    spool.append(envelope(i)).get();
                    accepted++;
                } catch (ExecutionException e) {
                    refusal = e.getCause();
                }
            }
            assertThat(refusal).isInstanceOf(SpoolFullException.class).hasMessageContaining("No space left on device");
            assertThat(accepted).isPositive();
            assertThat(readAll(spool)).as("everything accepted before the disk filled").containsExactlyElementsOf(expected(0, accepted));
            assertThat(spool.pendingEntries()).isEqualTo(accepted);
        }
    }

    private long segmentCount() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("segment-")).count();
        }
    }

    private static List<HookEnvelope> expected(int from, int to) {
        List<HookEnvelope> list = new ArrayList<>();
        for (int i = from; i < to; i++) {
            list.add(envelope(i));
        }
        return list;
    }
}
