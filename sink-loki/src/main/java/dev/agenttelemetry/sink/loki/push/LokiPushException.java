package dev.agenttelemetry.sink.loki.push;

/** Loki refused or did not answer a push; {@link #retriable()} says whether sending it again can succeed. */
public final class LokiPushException extends Exception {
    private final int status;
    private final boolean retriable;

    public LokiPushException(int status, boolean retriable, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.retriable = retriable;
    }

    /** HTTP status, or 0 when there was no answer. */
    public int status() {
        return status;
    }

    public boolean retriable() {
        return retriable;
    }
}
