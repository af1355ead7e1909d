package dev.agenttelemetry.dispatch;

import dev.agenttelemetry.avro.SecurityAlert;

/** Somewhere alerts go: the console, a webhook, a Slack channel, a mailbox. */
public interface Channel {
    String name();

    /** Delivers the alert, or throws; {@link DeliveryException#retriable()} says whether trying again can help. */
    void send(SecurityAlert alert) throws DeliveryException;

    final class DeliveryException extends Exception {
        private final boolean retriable;

        DeliveryException(String message, boolean retriable, Throwable cause) {
            super(message, cause);
            this.retriable = retriable;
        }

        boolean retriable() {
            return retriable;
        }
    }

    /** One line for people: severity, rule, session, project, evidence. */
    static String summary(SecurityAlert alert) {
        return "[" + alert.getSeverity().name().toUpperCase() + "] " + alert.getTitle() + " (" + alert.getRuleId() + ") in session "
                + alert.getSessionId() + (alert.getProjectName() == null ? "" : ", project " + alert.getProjectName()) + ": " + alert.getEvidence();
    }
}
