package dev.agenttelemetry.kafka;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

class FreePortsTest {
    @Test
    void portIsBelowTheEphemeralRangeAndBindable() throws Exception {
        int port = FreePorts.loopback();
        assertThat(port).as("outside Linux's ephemeral range, so no outgoing connection takes it").isBetween(20_000, 32_767);
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("127.0.0.1", port));
            assertThat(server.getLocalPort()).isEqualTo(port);
        }
    }
}
