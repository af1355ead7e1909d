package dev.agenttelemetry.benchmarks;

import dev.agenttelemetry.collector.http.NettyTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.HdrHistogram.Histogram;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An HTTP load generator on keep-alive connections, all driven from one event loop. At a fixed rate it is
 * open-loop: request i is due at start + i/rate and its latency counts from then, even when it had to
 * wait for a free connection, so a slow server cannot hide its stalls (no coordinated omission). At
 * saturation every connection sends its next request as soon as the previous one is answered.
 */
final class HttpLoad {
    /** What a run measured; latencies in microseconds; the CPU time the generator itself used (0 when not its own thread). */
    record Result(long ok, long failed, long spooled, Duration elapsed, Histogram latency, long generatorCpuNanos) {
        double perSecond() {
            return ok / (elapsed.toNanos() / 1e9);
        }
    }

    private final URI url;
    private final List<byte[]> bodies;
    private final int rate;
    private final int connections;
    private final Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    private final Deque<Channel> idle = new ArrayDeque<>();
    private final Deque<Long> backlog = new ArrayDeque<>(); // due times (nanos) of requests waiting for a connection
    private long ok;
    private long failed;
    private long spooled;
    private long issued;
    private long sent;
    private long startNanos;
    private long startCpuNanos;
    private Thread pacer; // fixed rate only
    private volatile long pacerCpuNanos;
    private long endNanos;

    private HttpLoad(URI url, List<byte[]> bodies, int rate, int connections) {
        this.url = url;
        this.bodies = bodies;
        this.rate = rate;
        this.connections = connections;
    }

    /** @param rate requests per second, or 0 for as fast as the connections go */
    static Result run(URI url, List<byte[]> bodies, int connections, int rate, Duration duration) throws InterruptedException {
        HttpLoad load = new HttpLoad(url, bodies, rate, connections);
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("bench-http-load"), NettyTransport.ioHandlers());
        try {
            EventLoop loop = group.next();
            Bootstrap bootstrap = new Bootstrap().group(loop).channel(NettyTransport.clientChannel()).option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20), load.new Answers());
                        }
                    });
            List<Channel> channels = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                channels.add(bootstrap.connect(url.getHost(), url.getPort()).sync().channel());
            }
            CompletableFuture<Result> done = new CompletableFuture<>();
            loop.execute(() -> load.begin(loop, channels, duration, done));
            Result result = done.join();
            channels.forEach(Channel::close);
            return result;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private void begin(EventLoop loop, List<Channel> channels, Duration duration, CompletableFuture<Result> done) {
        startNanos = System.nanoTime();
        startCpuNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        endNanos = startNanos + duration.toNanos();
        idle.addAll(channels);
        if (rate == 0) {
            while (!idle.isEmpty()) {
                send(idle.poll(), System.nanoTime());
            }
        } else {
            pace(loop);
        }
        loop.schedule(() -> finishWhenQuiet(loop, done), duration.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Fixed rate: a thread of its own wakes the event loop when each request is due. (A timer on the event loop
     * cannot: NIO selects in whole milliseconds, and shorter periods make the loop spin, taking a core from what
     * is measured.)
     */
    private void pace(EventLoop loop) {
        pacer = new Thread(() -> {
            long start = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            for (long i = 0; ; i++) {
                long due = startNanos + (long) (i * 1e9 / rate);
                if (due >= endNanos) {
                    break;
                }
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait); // until the next request is due
                }
                loop.execute(this::releaseDue);
            }
            pacerCpuNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - start;
        }, "bench-http-load-pacer");
        pacer.setDaemon(true);
        pacer.start();
    }

    /**
     * Fixed rate: release every request that is due by now, to an idle connection or to the backlog. Requests due
     * before the end are released even when the event loop runs this late, so a run sends exactly rate × duration.
     */
    private void releaseDue() {
        long now = Math.min(System.nanoTime(), endNanos - 1);
        long due = (now - startNanos) * rate / 1_000_000_000L + 1; // request i is due at start + i/rate, the first at once
        for (; issued < due; issued++) {
            long dueAt = startNanos + (long) (issued * 1e9 / rate);
            Channel channel = idle.poll();
            if (channel == null) {
                backlog.add(dueAt);
            } else {
                send(channel, dueAt);
            }
        }
    }

    private void send(Channel channel, long dueAt) {
        byte[] body = bodies.get((int) (sent++ % bodies.size()));
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, url.getRawPath(), Unpooled.wrappedBuffer(body));
        request.headers().set(HttpHeaderNames.HOST, url.getHost() + ":" + url.getPort())
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        channel.attr(Answers.DUE).set(dueAt);
        channel.writeAndFlush(request);
    }

    private void finishWhenQuiet(EventLoop loop, CompletableFuture<Result> done) {
        // Requests in flight at the end still count; wait for them (and the backlog) to be answered, and for the
        // pacer to have reported its CPU time.
        if (!backlog.isEmpty() || idle.size() < connections || (pacer != null && pacer.isAlive())) {
            loop.schedule(() -> finishWhenQuiet(loop, done), 5, TimeUnit.MILLISECONDS);
            return;
        }
        done.complete(new Result(ok, failed, spooled, Duration.ofNanos(System.nanoTime() - startNanos), latency,
                ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - startCpuNanos + pacerCpuNanos));
    }

    private final class Answers extends SimpleChannelInboundHandler<FullHttpResponse> {
        static final io.netty.util.AttributeKey<Long> DUE = io.netty.util.AttributeKey.valueOf("due");

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            long now = System.nanoTime();
            latency.recordValue(Math.min(latency.getHighestTrackableValue(), Math.max(1, (now - ctx.channel().attr(DUE).get()) / 1_000)));
            if (response.status().code() == 200) {
                ok++;
                if (response.headers().contains("X-Spooled")) {
                    spooled++;
                }
            } else {
                failed++;
            }
            Channel channel = ctx.channel();
            if (!backlog.isEmpty()) {
                send(channel, backlog.poll()); // due before the end: still sent
            } else if (rate == 0 && now < endNanos) {
                send(channel, now);
            } else {
                idle.add(channel);
            }
        }
    }
}
