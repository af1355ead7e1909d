package dev.agenttelemetry.collector.spool;

import dev.agenttelemetry.avro.HookEnvelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * An append-only queue of hook envelopes on disk, for when Kafka is down or slow. Appends are written by
 * one thread in groups, each group with one fsync (see {@link FsyncPolicy}); a replayer reads them back in
 * order and commits how far Kafka has acknowledged them, which survives restarts.
 *
 * <p>Layout: {@code segment-<n>.log} files of lines {@code <crc32 hex> <envelope JSON>\n}, rolled at
 * {@code segmentBytes}; {@code replayed.position} holds the segment and byte offset replayed so far.
 * Fully replayed segments are deleted. A torn last line (a crash mid-write, never acknowledged) is cut off
 * when the spool is opened.
 */
public final class Spool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Spool.class);
    private static final String POSITION_FILE = "replayed.position";
    private static final int MAX_GROUP = 1024;

    /** A place in the spool: a segment number and a byte offset in it. */
    public record Position(long segment, long offset) {
    }

    /** One spooled envelope (null for a corrupt record, which was quarantined) and the position just after it. */
    public record Entry(HookEnvelope envelope, Position next) {
    }

    private record Append(byte[] line, CompletableFuture<Void> done) {
    }

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final FsyncPolicy policy;
    private final Duration fsyncInterval;
    private final BlockingQueue<Append> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final AtomicLong pendingEntries = new AtomicLong();
    private final AtomicLong totalBytes = new AtomicLong();

    // Owned by the writer thread after open; readers see writtenEnd only.
    private FileChannel current;
    private long currentSegment;
    private volatile Position writtenEnd;
    private volatile Position replayed; // how far Kafka has acknowledged; also in the position file when the disk lets us
    private volatile boolean running = true;
    private long lastFsyncNanos = System.nanoTime();
    private boolean unsynced;

    private Spool(Path dir, long maxBytes, long segmentBytes, FsyncPolicy policy, Duration fsyncInterval) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.policy = policy;
        this.fsyncInterval = fsyncInterval;
        this.writer = new Thread(this::writeLoop, "collector-spool-writer");
        this.writer.setDaemon(true);
    }

    public static Spool open(Path dir, long maxBytes, long segmentBytes, FsyncPolicy policy, Duration fsyncInterval) throws IOException {
        Files.createDirectories(dir);
        Spool spool = new Spool(dir, maxBytes, segmentBytes, policy, fsyncInterval);
        spool.recover();
        spool.writer.start();
        return spool;
    }

    /** Envelopes appended and not yet replayed (committed). */
    public long pendingEntries() {
        return pendingEntries.get();
    }

    /** Bytes on disk in segments not yet deleted. */
    public long bytesOnDisk() {
        return totalBytes.get();
    }

    /**
     * Queues the envelope; completes once it is on disk as the fsync policy demands, or exceptionally with
     * {@link SpoolFullException} when the size bound is reached or the disk refuses the write.
     */
    public CompletableFuture<Void> append(HookEnvelope envelope) {
        byte[] json = EnvelopeJson.write(envelope);
        CRC32 crc = new CRC32();
        crc.update(json);
        byte[] line = new byte[9 + json.length + 1];
        System.arraycopy(String.format("%08x ", crc.getValue()).getBytes(StandardCharsets.US_ASCII), 0, line, 0, 9);
        System.arraycopy(json, 0, line, 9, json.length);
        line[line.length - 1] = '\n';
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!running) {
            done.completeExceptionally(new SpoolFullException("the spool is closed", null));
            return done;
        }
        pendingEntries.incrementAndGet();
        queue.add(new Append(line, done));
        return done;
    }

    /** Up to {@code max} entries from {@code from}, only what has been written completely. */
    public List<Entry> read(Position from, int max) throws IOException {
        List<Entry> entries = new ArrayList<>();
        Position end = writtenEnd;
        Position at = from;
        while (entries.size() < max && before(at, end)) {
            Path file = segmentPath(at.segment());
            if (!Files.exists(file) || (at.segment() < end.segment() && at.offset() >= Files.size(file))) {
                if (at.segment() >= end.segment()) {
                    break; // the newest segment is gone: nothing more to read
                }
                at = new Position(nextSegmentAfter(at.segment(), end.segment()), 0);
                continue;
            }
            long limit = at.segment() == end.segment() ? end.offset() : Files.size(file);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                channel.position(at.offset());
                LineReader lines = new LineReader(channel, limit);
                byte[] line;
                while (entries.size() < max && (line = lines.next()) != null) {
                    Position lineStart = at;
                    at = new Position(at.segment(), lines.position());
                    entries.add(new Entry(decodeOrQuarantine(line, file, lineStart), at));
                }
                if (entries.size() < max && at.offset() >= limit && at.segment() < end.segment()) {
                    at = new Position(nextSegmentAfter(at.segment(), end.segment()), 0);
                }
            }
        }
        return entries;
    }

    /** The position from which replay resumes (after a restart too). */
    public Position replayedPosition() {
        return replayed;
    }

    /**
     * Records that every entry before {@code position} is in Kafka and deletes the segments no longer needed
     * (first: on a full disk that is what makes room). The position is kept in memory, so replay goes on even
     * when the disk refuses the position file; only a restart before the next successful write sends the
     * entries since the last recorded position again (the event id lets consumers drop those).
     */
    public void commit(Position position, int entries) throws IOException {
        replayed = position;
        pendingEntries.addAndGet(-entries);
        for (long segment : segments().headMap(position.segment()).keySet()) {
            Path file = segmentPath(segment);
            long size = Files.size(file);
            Files.deleteIfExists(file);
            totalBytes.addAndGet(-size);
        }
        try {
            writePositionFile(position);
        } catch (IOException e) {
            log.warn("Could not record the spool's replay position in {} ({}); replay goes on, but after a restart now the events since "
                    + "the last recorded position would be sent again", dir, e.toString());
        }
    }

    private Position readPositionFile() throws IOException {
        Path file = dir.resolve(POSITION_FILE);
        if (!Files.exists(file)) {
            return new Position(firstSegment(), 0);
        }
        String[] parts = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
        return new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
    }

    private void writePositionFile(Position position) throws IOException {
        Path tmp = dir.resolve(POSITION_FILE + ".tmp");
        Files.writeString(tmp, position.segment() + " " + position.offset() + "\n", StandardCharsets.US_ASCII);
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        try {
            Files.move(tmp, dir.resolve(POSITION_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(POSITION_FILE), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void writeLoop() {
        List<Append> group = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Append first = queue.poll(fsyncInterval.toMillis(), TimeUnit.MILLISECONDS);
                if (first == null) {
                    fsyncIfDue(true);
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                writeGroup(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                group.clear();
            }
        }
    }

    private void writeGroup(List<Append> group) {
        List<Append> accepted = new ArrayList<>(group.size());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Append append : group) {
            if (totalBytes.get() + bytes.size() + append.line().length > maxBytes) {
                pendingEntries.decrementAndGet();
                append.done().completeExceptionally(new SpoolFullException("the spool is full (" + maxBytes
                        + " bytes, collector.spool.max.bytes) while Kafka is unavailable", null));
            } else {
                bytes.writeBytes(append.line());
                accepted.add(append);
            }
        }
        if (accepted.isEmpty()) {
            return;
        }
        try {
            if (current.size() >= segmentBytes) {
                roll();
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
            while (buffer.hasRemaining()) {
                current.write(buffer);
            }
            unsynced = true;
            fsyncIfDue(policy == FsyncPolicy.ALWAYS);
            totalBytes.addAndGet(bytes.size());
            writtenEnd = new Position(currentSegment, current.position());
            accepted.forEach(a -> a.done().complete(null));
        } catch (IOException e) {
            log.error("Spool write failed in {} (disk full?): {}", dir, e.toString());
            truncateToWrittenEnd();
            pendingEntries.addAndGet(-accepted.size());
            SpoolFullException failure = new SpoolFullException("the spool could not write to " + dir + ": " + e.getMessage(), e);
            accepted.forEach(a -> a.done().completeExceptionally(failure));
        }
    }

    /** After a failed write, cut the partial bytes so the segment ends on a whole line again. */
    private void truncateToWrittenEnd() {
        try {
            current.truncate(writtenEnd.segment() == currentSegment ? writtenEnd.offset() : 0);
            current.position(current.size());
        } catch (IOException e) {
            log.error("Spool could not truncate {} after a failed write: {}", segmentPath(currentSegment), e.toString());
        }
    }

    private void fsyncIfDue(boolean force) {
        long now = System.nanoTime();
        if (!unsynced || (!force && now - lastFsyncNanos < fsyncInterval.toNanos())) {
            return;
        }
        try {
            current.force(false);
            unsynced = false;
            lastFsyncNanos = now;
        } catch (IOException e) {
            log.error("Spool fsync failed in {}: {}", dir, e.toString());
        }
    }

    private void roll() throws IOException {
        current.force(false);
        unsynced = false;
        current.close();
        currentSegment++;
        current = FileChannel.open(segmentPath(currentSegment), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** Opens the newest segment for appending, cutting a torn last line, and counts what is left to replay. */
    private void recover() throws IOException {
        TreeMap<Long, Path> segments = segments();
        currentSegment = segments.isEmpty() ? 0 : segments.lastKey();
        Path last = segmentPath(currentSegment);
        current = FileChannel.open(last, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        long good = lastWholeLine(current);
        if (good < current.size()) {
            log.warn("Spool segment {} ends in a torn write ({} bytes never acknowledged); cutting it", last, current.size() - good);
            current.truncate(good);
        }
        current.close();
        current = FileChannel.open(last, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        writtenEnd = new Position(currentSegment, good);
        long bytes = 0;
        for (Path file : segments().values()) {
            bytes += Files.size(file);
        }
        totalBytes.set(bytes);
        replayed = readPositionFile();
        long count = 0;
        Position at = replayed;
        List<Entry> batch;
        while (!(batch = read(at, 10_000)).isEmpty()) {
            count += batch.size();
            at = batch.get(batch.size() - 1).next();
        }
        pendingEntries.set(count);
        if (count > 0) {
            log.info("Spool {} holds {} events not yet in Kafka; they will be replayed in order", dir, count);
        }
    }

    private static long lastWholeLine(FileChannel channel) throws IOException {
        long size = channel.size();
        ByteBuffer one = ByteBuffer.allocate(1);
        for (long p = size - 1; p >= 0; p--) {
            one.clear();
            channel.read(one, p);
            if (one.get(0) == '\n') {
                return p + 1;
            }
        }
        return 0;
    }

    /** A record that cannot be read is copied to corrupt-records.log and skipped, rather than blocking replay forever. */
    private HookEnvelope decodeOrQuarantine(byte[] line, Path file, Position at) throws IOException {
        try {
            return decode(line, file);
        } catch (IOException | RuntimeException e) {
            log.error("Spool record at {}:{} is unreadable ({}); moved to corrupt-records.log", file, at.offset(), e.getMessage());
            Files.write(dir.resolve("corrupt-records.log"), (new String(line, StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return null;
        }
    }

    private HookEnvelope decode(byte[] line, Path file) throws IOException {
        if (line.length < 10 || line[8] != ' ') {
            throw new IOException("corrupt spool record in " + file);
        }
        CRC32 crc = new CRC32();
        crc.update(line, 9, line.length - 9);
        long expected = Long.parseLong(new String(line, 0, 8, StandardCharsets.US_ASCII), 16);
        if (crc.getValue() != expected) {
            throw new IOException("spool record with a bad checksum in " + file);
        }
        byte[] json = new byte[line.length - 9];
        System.arraycopy(line, 9, json, 0, json.length);
        return EnvelopeJson.read(json);
    }

    private TreeMap<Long, Path> segments() throws IOException {
        TreeMap<Long, Path> segments = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(f -> {
                String name = f.getFileName().toString();
                if (name.startsWith("segment-") && name.endsWith(".log")) {
                    segments.put(Long.parseLong(name.substring(8, name.length() - 4)), f);
                }
            });
        }
        return segments;
    }

    private long firstSegment() throws IOException {
        TreeMap<Long, Path> segments = segments();
        return segments.isEmpty() ? 0 : segments.firstKey();
    }

    private long nextSegmentAfter(long segment, long max) {
        try {
            Long next = segments().higherKey(segment);
            return next == null ? max : next;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path segmentPath(long segment) {
        return dir.resolve(String.format("segment-%020d.log", segment));
    }

    private static boolean before(Position a, Position b) {
        return a.segment() < b.segment() || (a.segment() == b.segment() && a.offset() < b.offset());
    }

    /** Writes what is queued, fsyncs and closes. */
    @Override
    public void close() {
        running = false;
        try {
            writer.join(10_000);
            current.force(false);
            current.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.warn("Spool close failed: {}", e.toString());
        }
    }

    /** Reads '\n'-terminated lines from a channel up to a limit. */
    private static final class LineReader {
        private final FileChannel channel;
        private final long limit;
        private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        private long position;

        LineReader(FileChannel channel, long limit) throws IOException {
            this.channel = channel;
            this.limit = limit;
            this.position = channel.position();
            buffer.flip();
        }

        long position() {
            return position;
        }

        byte[] next() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            long p = position;
            while (p < limit) {
                if (!buffer.hasRemaining()) {
                    buffer.clear();
                    buffer.limit((int) Math.min(buffer.capacity(), limit - (channel.position())));
                    if (buffer.limit() == 0 || channel.read(buffer) <= 0) {
                        return null;
                    }
                    buffer.flip();
                }
                byte b = buffer.get();
                p++;
                if (b == '\n') {
                    position = p;
                    return line.toByteArray();
                }
                line.write(b);
            }
            return null;
        }
    }
}
