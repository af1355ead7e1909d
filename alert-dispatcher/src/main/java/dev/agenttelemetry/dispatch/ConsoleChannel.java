package dev.agenttelemetry.dispatch;

import dev.agenttelemetry.avro.SecurityAlert;

import java.io.PrintWriter;

/** Prints each alert as one line (for a terminal or the dispatcher's log). */
final class ConsoleChannel implements Channel {
    private final String name;
    private final PrintWriter out;

    ConsoleChannel(String name, PrintWriter out) {
        this.name = name;
        this.out = out;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(SecurityAlert alert) {
        out.println(alert.getLastSeen() + " " + Channel.summary(alert));
        out.flush();
    }
}
