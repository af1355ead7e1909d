package dev.agenttelemetry.collector.http;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Linux's epoll through Netty's native transport when it loads, else NIO. It makes fewer system calls and copies: in
 * {@code agent-telemetry bench collector} at saturation the collector's threads went from about 61 to 40 µs a hook
 * (docs/performance.md).
 */
public final class NettyTransport {
    private NettyTransport() {
    }

    public static IoHandlerFactory ioHandlers() {
        return Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    public static Class<? extends ServerChannel> serverChannel() {
        return Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static Class<? extends SocketChannel> clientChannel() {
        return Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** For the log: which transport this JVM uses. */
    public static String name() {
        return Epoll.isAvailable() ? "epoll" : "nio";
    }
}
