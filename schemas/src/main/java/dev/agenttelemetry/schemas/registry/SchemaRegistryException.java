package dev.agenttelemetry.schemas.registry;

/**
 * A Schema Registry request that failed: either the registry answered with an error
 * ({@link #status()} and the registry's own {@link #errorCode()}, e.g. 40401 subject not found),
 * or it could not be reached ({@code status() == 0}).
 */
public final class SchemaRegistryException extends RuntimeException {
    private final int status;
    private final int errorCode;

    public SchemaRegistryException(int status, int errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.errorCode = 0;
    }

    /** HTTP status of the registry's answer, or 0 when there was no answer. */
    public int status() {
        return status;
    }

    /** The registry's error code (Confluent's {@code error_code}), or 0 when there was none. */
    public int errorCode() {
        return errorCode;
    }
}
