package dev.agenttelemetry.collector.http;

import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.collector.EventIds;
import dev.agenttelemetry.collector.publish.HookPublisher;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Routes the collector's HTTP requests. A hook is answered from the producer's acknowledgement callback,
 * so no thread blocks on Kafka; the event loop only parses the few fields it needs.
 */
@ChannelHandler.Sharable
final class HookHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(HookHttpHandler.class);
    static final String HOOKS_PATH = "/v1/hooks";

    private final HookPublisher publisher;
    private final EventIds eventIds = new EventIds();
    private final Duration ackTimeout;

    HookHttpHandler(HookPublisher publisher, Duration ackTimeout) {
        this.publisher = publisher;
        this.ackTimeout = ackTimeout;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!request.decoderResult().isSuccess()) {
            HttpAnswers.write(ctx, HttpAnswers.error(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request", List.of()), false);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (path.equals(HOOKS_PATH)) {
            if (!request.method().equals(HttpMethod.POST)) {
                HttpAnswers.write(ctx, HttpAnswers.error(HttpResponseStatus.METHOD_NOT_ALLOWED, HOOKS_PATH + " takes POST", List.of()), keepAlive);
                return;
            }
            acceptHook(ctx, request, keepAlive);
        } else if (path.equals("/healthz") && request.method().equals(HttpMethod.GET)) {
            HttpAnswers.write(ctx, HttpAnswers.text(HttpResponseStatus.OK, "ok\n"), keepAlive);
        } else {
            HttpAnswers.write(ctx, HttpAnswers.error(HttpResponseStatus.NOT_FOUND, "no route " + request.method() + " " + path
                    + "; hooks are posted to " + HOOKS_PATH, List.of()), keepAlive);
        }
    }

    private void acceptHook(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
        String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (!HttpUtil.getMimeType(contentType == null ? "" : contentType).toString().toLowerCase().contains("json")
                && !contentType.isEmpty()) {
            HttpAnswers.write(ctx, HttpAnswers.error(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type must be application/json, got " + contentType, List.of()), keepAlive);
            return;
        }
        byte[] body = ByteBufUtil.getBytes(request.content());
        HookRequest hook;
        try {
            hook = HookRequest.parse(body);
        } catch (HookRequest.Invalid e) {
            HttpAnswers.write(ctx, HttpAnswers.error(HttpResponseStatus.BAD_REQUEST, "invalid hook payload", e.problems()), keepAlive);
            return;
        }
        Instant now = Instant.now();
        String eventId = eventIds.next(now.toEpochMilli()).toString();
        HookEnvelope envelope = HookEnvelope.newBuilder()
                .setEventId(eventId)
                .setReceivedAt(now)
                .setSource(request.headers().get("X-Agent-Source", "claude-code"))
                .setHookEventName(hook.hookEventName())
                .setSessionId(hook.sessionId())
                .setCwd(hook.cwd())
                .setPayload(new String(body, StandardCharsets.UTF_8))
                .build();
        publisher.publish(envelope).toCompletableFuture()
                .orTimeout(ackTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((metadata, error) -> {
                    if (error == null) {
                        log.debug("event {} -> {}-{}@{}", eventId, metadata.topic(), metadata.partition(), metadata.offset());
                        HttpAnswers.write(ctx, HttpAnswers.accepted(eventId), keepAlive);
                    } else {
                        log.warn("event {} not acknowledged by Kafka: {}", eventId, error.toString());
                        HttpAnswers.write(ctx, HttpAnswers.error(HttpResponseStatus.SERVICE_UNAVAILABLE,
                                "Kafka did not acknowledge the event in time", List.of()), keepAlive);
                    }
                });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn("collector connection failed: {}", cause.toString());
        ctx.close();
    }
}
