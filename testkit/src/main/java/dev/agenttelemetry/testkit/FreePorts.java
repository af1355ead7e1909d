package dev.agenttelemetry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Ports for tests that must name them before a server binds (a child process, a restart on the same port). */
public final class FreePorts {
    private FreePorts() {
    }

    /** A port free on 127.0.0.1 right now. */
    public static int loopback() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }
}
