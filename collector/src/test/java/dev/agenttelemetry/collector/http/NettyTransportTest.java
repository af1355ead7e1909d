package dev.agenttelemetry.collector.http;

import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NettyTransportTest {
    @Test
    void usesEpollOnLinuxX8664() {
        assumeTrue(System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"),
                "the native epoll library ships for Linux on x86-64 only");
        assertThat(Epoll.isAvailable()).as("native epoll loads (%s)", Epoll.unavailabilityCause()).isTrue();
        assertThat(NettyTransport.name()).isEqualTo("epoll");
    }
}
