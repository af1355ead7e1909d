package dev.agenttelemetry.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports free right now, for servers whose port must be named before they bind (a child process, a restart on the same port).
 *
 * <p>The port is drawn below the operating systems' ephemeral ranges (Linux from 32768, macOS and Windows from 49152):
 * a port the kernel hands out for bind(0) is the kind it also hands to outgoing connections, and one of the many client
 * connections opened before the server binds could take it (CI once saw Connect's REST server fail that way).
 */
public final class FreePorts {
    private static final int LOWEST = 20_000;
    private static final int BELOW_EPHEMERAL = 32_768;
    private static final int ATTEMPTS = 50;

    private FreePorts() {
    }

    /** A port free on 127.0.0.1 right now. */
    public static int loopback() {
        return on("127.0.0.1");
    }

    /** A port free on this host name or address right now. */
    public static int on(String host) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, BELOW_EPHEMERAL);
            if (bindable(host, port)) {
                return port;
            }
        }
        return bindAny(host); // that range is crowded: take what the kernel gives
    }

    private static boolean bindable(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static int bindAny(String host) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }
}
