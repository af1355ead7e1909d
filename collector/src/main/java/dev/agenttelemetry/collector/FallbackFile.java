package dev.agenttelemetry.collector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Hooks that could not reach the collector: the SessionStart command hook appends its payload here while
 * the collector is down, one line {@code <epoch millis>\t<payload JSON>} (or just the JSON). The collector
 * ingests the file when it starts, before it takes new hooks. Unreadable lines are kept in
 * {@code <file>.rejected} rather than dropped.
 */
public final class FallbackFile {
    private static final Logger log = LoggerFactory.getLogger(FallbackFile.class);

    private FallbackFile() {
    }

    /** Ingests and removes the file; returns how many events were accepted. */
    public static int ingest(Path file, HookIntake intake) throws IOException, InterruptedException {
        if (!Files.exists(file)) {
            return 0;
        }
        // Move it aside first, so a hook appending right now starts a new file instead of racing with us.
        Path ingesting = file.resolveSibling(file.getFileName() + ".ingesting");
        if (!Files.exists(ingesting)) {
            Files.move(file, ingesting, StandardCopyOption.ATOMIC_MOVE);
        }
        List<CompletableFuture<HookIntake.Accepted>> accepted = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        int lineNumber = 0;
        for (String line : Files.readAllLines(ingesting, StandardCharsets.UTF_8)) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            int tab = line.indexOf('\t');
            Instant receivedAt = Instant.now();
            String payload = line;
            if (tab > 0) {
                try {
                    receivedAt = Instant.ofEpochMilli(Long.parseLong(line.substring(0, tab).trim()));
                    payload = line.substring(tab + 1);
                } catch (NumberFormatException e) {
                    payload = line;
                }
            }
            try {
                accepted.add(intake.accept(HookRequest.parse(payload.getBytes(StandardCharsets.UTF_8)), payload, "claude-code", receivedAt));
            } catch (HookRequest.Invalid e) {
                log.warn("Fallback file {} line {} is not a hook ({}); kept in {}.rejected", file, lineNumber, e.getMessage(), file.getFileName());
                rejected.add(line);
            }
        }
        try {
            CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("could not store the events of " + ingesting + " (kept for the next start): " + e.getMessage(), e);
        }
        if (!rejected.isEmpty()) {
            Files.write(file.resolveSibling(file.getFileName() + ".rejected"), rejected, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        Files.delete(ingesting);
        if (!accepted.isEmpty()) {
            log.info("Ingested {} hook events from the fallback file {}", accepted.size(), file);
        }
        return accepted.size();
    }
}
