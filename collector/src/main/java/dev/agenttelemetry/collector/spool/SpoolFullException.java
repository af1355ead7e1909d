package dev.agenttelemetry.collector.spool;

/** The spool cannot take more: its size bound is reached, or the disk refused the write. */
public final class SpoolFullException extends RuntimeException {
    public SpoolFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
