package dev.agenttelemetry.collector.http;

import dev.agenttelemetry.collector.CollectorConfig;
import dev.agenttelemetry.collector.HookIntake;
import dev.agenttelemetry.collector.metrics.CollectorMetrics;
import dev.agenttelemetry.collector.otlp.OtlpIntake;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** The collector's HTTP server (Netty). Bodies above the configured size are refused with 413 before they are read. */
public final class CollectorServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CollectorServer.class);

    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final Channel channel;

    private CollectorServer(EventLoopGroup acceptors, EventLoopGroup workers, Channel channel) {
        this.acceptors = acceptors;
        this.workers = workers;
        this.channel = channel;
    }

    public static CollectorServer start(CollectorConfig config, HookIntake intake, OtlpIntake otlp, CollectorMetrics metrics) throws InterruptedException {
        EventLoopGroup acceptors = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("collector-accept"), NettyTransport.ioHandlers());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("collector-http"), NettyTransport.ioHandlers());
        CollectorHttpHandler handler = new CollectorHttpHandler(intake, otlp, metrics, config.authToken(), config.maxInFlight());
        try {
            Channel channel = new ServerBootstrap()
                    .group(acceptors, workers)
                    .channel(NettyTransport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast(new HttpServerCodec())
                                    .addLast(new HttpServerKeepAliveHandler())
                                    .addLast(new HttpContentDecompressor()) // OTLP exporters may gzip their bodies
                                    .addLast(new BodyLimit(config.maxBodyBytes(), metrics))
                                    .addLast(handler);
                        }
                    })
                    .bind(config.host(), config.port()).sync().channel();
            CollectorServer server = new CollectorServer(acceptors, workers, channel);
            log.info("Collector listening on {} (hooks to {}, {} transport)", server.url(), server.url() + CollectorHttpHandler.HOOKS, NettyTransport.name());
            return server;
        } catch (RuntimeException e) {
            acceptors.shutdownGracefully();
            workers.shutdownGracefully();
            throw new IllegalStateException("collector cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            acceptors.shutdownGracefully();
            workers.shutdownGracefully();
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public String url() {
        InetSocketAddress address = (InetSocketAddress) channel.localAddress();
        return "http://" + address.getHostString() + ":" + address.getPort();
    }

    /** Stops listening, lets answers in flight go out, then stops the threads (Netty's default 2 s quiet period is not needed). */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        acceptors.shutdownGracefully(100, 5_000, TimeUnit.MILLISECONDS).syncUninterruptibly();
        workers.shutdownGracefully(100, 5_000, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }
}
