package dev.agenttelemetry.sink.loki.push;

import dev.agenttelemetry.retry.RetryPolicy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes entries to Loki so that none is lost or dropped silently, following how Loki answers:
 * <ul>
 *   <li>one stream per request: Loki reports only the last stream's error of a multi-stream request and
 *       answers 204 for the others, so a single-stream request is the only one whose answer covers every
 *       entry. Requests of different streams go out in parallel;</li>
 *   <li>each request stays under {@code maxRecords} and {@code maxBytes} (uncompressed), far below the
 *       4 MB message and 6 MB burst limits that fail forever;</li>
 *   <li>429, 5xx and I/O errors are retried with backoff; when retries run out the caller gets a retriable
 *       {@link LokiPushException} and Connect redelivers (entries are deterministic, so Loki keeps one copy);</li>
 *   <li>400 means Loki stored the valid entries and refused others: the request is split in halves and
 *       pushed again until each refused entry stands alone, and those come back as {@link Rejected}
 *       with Loki's reason (re-pushed valid entries are identical, so stored once);</li>
 *   <li>401, 403 and 404 fail with a message naming the setting to fix.</li>
 * </ul>
 */
public final class LokiWriter implements AutoCloseable {
    private final LokiClient client;
    private final int maxRecords;
    private final int maxBytes;
    private final RetryPolicy retry;
    private final ExecutorService senders;

    /** An entry Loki will never accept, with its reason. */
    public record Rejected(LokiEntry entry, String reason) {
    }

    public LokiWriter(LokiClient client, int maxRecords, int maxBytes, RetryPolicy retry, int concurrency) {
        this.client = client;
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.retry = retry;
        this.senders = Executors.newFixedThreadPool(concurrency, runnable -> {
            Thread thread = new Thread(runnable, "loki-push");
            thread.setDaemon(true);
            return thread;
        });
    }

    public List<Rejected> write(List<LokiEntry> entries) throws LokiPushException, InterruptedException {
        Map<SortedMap<String, String>, List<LokiEntry>> streams = new LinkedHashMap<>();
        for (LokiEntry entry : entries) {
            streams.computeIfAbsent(entry.labels(), labels -> new ArrayList<>()).add(entry);
        }
        List<Future<List<Rejected>>> requests = new ArrayList<>();
        for (Map.Entry<SortedMap<String, String>, List<LokiEntry>> stream : streams.entrySet()) {
            List<LokiEntry> ordered = new ArrayList<>(stream.getValue());
            ordered.sort(Comparator.comparingLong(LokiEntry::timestampNanos));
            for (List<LokiEntry> request : requests(ordered)) {
                requests.add(senders.submit(() -> deliver(stream.getKey(), request)));
            }
        }
        List<Rejected> rejected = new ArrayList<>();
        LokiPushException failure = null;
        for (Future<List<Rejected>> request : requests) {
            try {
                rejected.addAll(request.get());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof LokiPushException push)) {
                    throw new IllegalStateException("unexpected failure pushing to Loki", e.getCause());
                }
                // a fatal error (auth, URL) outranks a retriable one
                failure = failure == null || (failure.retriable() && !push.retriable()) ? push : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return rejected;
    }

    /** Consecutive runs of a stream's entries within the record and byte bounds. */
    List<List<LokiEntry>> requests(List<LokiEntry> ordered) {
        List<List<LokiEntry>> requests = new ArrayList<>();
        List<LokiEntry> current = new ArrayList<>();
        int bytes = 0;
        for (LokiEntry entry : ordered) {
            int size = entry.approximateBytes();
            if (!current.isEmpty() && (current.size() >= maxRecords || bytes + size > maxBytes)) {
                requests.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(entry);
            bytes += size;
        }
        if (!current.isEmpty()) {
            requests.add(current);
        }
        return requests;
    }

    private List<Rejected> deliver(SortedMap<String, String> labels, List<LokiEntry> entries) throws LokiPushException, InterruptedException {
        LokiClient.Answer answer = sendWithRetries(labels, entries);
        if (answer.ok()) {
            return List.of();
        }
        int status = answer.status();
        if (status == 401 || status == 403) {
            throw new LokiPushException(status, false, "Loki answered " + status + " (" + answer.body() + "): check loki.tenant and "
                    + "loki.auth.* (basic user and password, or bearer token)", null);
        }
        if (status == 404) {
            throw new LokiPushException(status, false, "Loki answered 404 for " + client.pushUri() + ": check loki.url (the base URL, "
                    + "without /loki/api/v1/push)", null);
        }
        if (entries.size() == 1) {
            return List.of(new Rejected(entries.get(0), "Loki answered " + status + ": " + answer.body()));
        }
        // Loki stored what it could; find the refused entries by halving (identical re-pushes are stored once).
        int half = entries.size() / 2;
        List<Rejected> rejected = new ArrayList<>(deliver(labels, entries.subList(0, half)));
        rejected.addAll(deliver(labels, entries.subList(half, entries.size())));
        return rejected;
    }

    private LokiClient.Answer sendWithRetries(SortedMap<String, String> labels, List<LokiEntry> entries)
            throws LokiPushException, InterruptedException {
        for (int attempts = 1; ; attempts++) {
            String problem;
            try {
                LokiClient.Answer answer = client.send(labels, entries);
                PushMeters.pushed(Integer.toString(answer.status()));
                if (RetryPolicy.ofHttpStatus(answer.status()) != RetryPolicy.Outcome.RETRIABLE) {
                    return answer;
                }
                problem = "Loki answered " + answer.status() + ": " + answer.body();
            } catch (IOException e) {
                PushMeters.pushed("io_error");
                problem = "Loki at " + client.pushUri() + " did not answer: " + e;
            }
            RetryPolicy.Decision decision = retry.decide(attempts, RetryPolicy.Outcome.RETRIABLE);
            if (!decision.retry()) {
                throw new LokiPushException(0, true, problem + " (after " + attempts + " attempts, " + entries.size() + " entries)", null);
            }
            PushMeters.retried();
            retry.await(decision); // Loki sends no Retry-After
        }
    }

    @Override
    public void close() {
        senders.shutdownNow();
    }
}
