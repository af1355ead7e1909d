package dev.agenttelemetry.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Ports free right now, for servers whose port must be named before they bind (a child process, a restart on the same port). */
public final class FreePorts {
    private FreePorts() {
    }

    /** A port free on 127.0.0.1 right now. */
    public static int loopback() {
        return on("127.0.0.1");
    }

    /** A port free on this host name or address right now. */
    public static int on(String host) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }
}
