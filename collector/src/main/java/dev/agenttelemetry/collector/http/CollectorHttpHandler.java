package dev.agenttelemetry.collector.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttelemetry.collector.HookIntake;
import dev.agenttelemetry.collector.HookRequest;
import dev.agenttelemetry.collector.metrics.CollectorMetrics;
import dev.agenttelemetry.collector.otlp.OtlpIntake;
import dev.agenttelemetry.collector.otlp.OtlpLogsParser;
import dev.agenttelemetry.collector.publish.HookPublisher;
import dev.agenttelemetry.collector.spool.SpoolFullException;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Routes the collector's HTTP requests. Hooks are answered from the publisher's completion (Kafka's
 * acknowledgement or the spool's write), so no thread blocks; the event loop only parses what it needs.
 * Logs carry event ids and statuses, never payloads.
 */
@ChannelHandler.Sharable
final class CollectorHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(CollectorHttpHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String HOOKS = "/v1/hooks";
    static final String HOOKS_BATCH = "/v1/hooks/batch";
    static final String LOGS = "/v1/logs";
    private static final java.util.Set<String> ROUTES = java.util.Set.of(HOOKS, HOOKS_BATCH, LOGS, "/healthz", "/readyz", "/metrics");

    private final HookIntake intake;
    private final OtlpIntake otlp;
    private final CollectorMetrics metrics;
    private final Optional<byte[]> expectedAuthorization;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();

    CollectorHttpHandler(HookIntake intake, OtlpIntake otlp, CollectorMetrics metrics, Optional<String> authToken, int maxInFlight) {
        this.intake = intake;
        this.otlp = otlp;
        this.metrics = metrics;
        this.expectedAuthorization = authToken.map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8));
        this.maxInFlight = maxInFlight;
        metrics.gauge("collector_requests_in_flight", inFlight::get);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        Exchange exchange = new Exchange(ctx, request, new QueryStringDecoder(request.uri()).path());
        if (!request.decoderResult().isSuccess()) {
            // The decoder discards whatever follows a bad message on this connection: answer, then close it, or the
            // client's next request would wait forever.
            exchange.keepAlive = false;
            exchange.reject("malformed_http", HttpAnswers.error(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request"));
            return;
        }
        switch (exchange.path) {
            case "/healthz" -> exchange.onlyGet(() -> exchange.answer(HttpAnswers.text(HttpResponseStatus.OK, "text/plain; charset=utf-8", "ok\n")));
            case "/readyz" -> exchange.onlyGet(() -> exchange.answer(intake.isSpooling()
                    ? HttpAnswers.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain; charset=utf-8",
                            "not ready: Kafka is unavailable, hooks are being spooled to disk\n")
                    : HttpAnswers.text(HttpResponseStatus.OK, "text/plain; charset=utf-8", "ready\n")));
            case "/metrics" -> exchange.onlyGet(() -> exchange.answer(HttpAnswers.text(HttpResponseStatus.OK,
                    "text/plain; version=0.0.4; charset=utf-8", metrics.render())));
            case HOOKS -> exchange.post(() -> acceptOne(exchange));
            case HOOKS_BATCH -> exchange.post(() -> acceptBatch(exchange));
            case LOGS -> exchange.post(() -> acceptOtlpLogs(exchange));
            default -> exchange.answer(HttpAnswers.error(HttpResponseStatus.NOT_FOUND, "no route " + exchange.path
                    + "; hooks are posted to " + HOOKS + " (one) or " + HOOKS_BATCH + " (many)"));
        }
    }

    private void acceptOne(Exchange exchange) {
        if (!exchange.requireContentType("application/json")) {
            return;
        }
        byte[] body = ByteBufUtil.getBytes(exchange.request.content());
        HookRequest hook;
        try {
            hook = HookRequest.parse(body);
        } catch (HookRequest.Invalid e) {
            exchange.reject("invalid_hook", HttpAnswers.error(HttpResponseStatus.BAD_REQUEST, "invalid hook payload", e.problems()));
            return;
        }
        // Answered on the connection's own event loop: the acknowledgement arrives on the producer's one network
        // thread, which should go back to sending rather than build HTTP answers.
        intake.accept(hook, new String(body, StandardCharsets.UTF_8), exchange.source(), Instant.now())
                .whenCompleteAsync((accepted, error) -> {
                    if (error == null) {
                        exchange.answer(HttpAnswers.accepted(accepted.eventId(), accepted.outcome() == HookPublisher.Outcome.SPOOLED));
                    } else {
                        exchange.reject(isSpoolFull(error) ? "spool_full" : "unavailable", unavailable(error));
                    }
                }, exchange.ctx.executor());
    }

    /** A JSON array or NDJSON; valid events are kept when others are rejected, and the answer says which. */
    private void acceptBatch(Exchange exchange) {
        if (!exchange.requireContentType("application/json", "application/x-ndjson", "application/jsonl", "application/json-seq")) {
            return;
        }
        String body = exchange.request.content().toString(StandardCharsets.UTF_8);
        List<Item> items;
        try {
            items = batchItems(body);
        } catch (JsonProcessingException e) {
            exchange.reject("invalid_hook", HttpAnswers.error(HttpResponseStatus.BAD_REQUEST, "the batch is not a JSON array of hook payloads",
                    List.of("malformed JSON at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr())));
            return;
        } catch (java.io.IOException e) {
            exchange.reject("invalid_hook", HttpAnswers.error(HttpResponseStatus.BAD_REQUEST, "the batch is not a JSON array of hook payloads"));
            return;
        }
        Instant now = Instant.now();
        ObjectNode answer = HttpAnswers.object();
        ArrayNode rejected = answer.putArray("rejected");
        List<CompletableFuture<HookIntake.Accepted>> accepted = new ArrayList<>();
        List<Integer> acceptedIndexes = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            try {
                HookRequest hook = HookRequest.parse(item.text.getBytes(StandardCharsets.UTF_8));
                accepted.add(intake.accept(hook, item.text, exchange.source(), now));
                acceptedIndexes.add(i);
            } catch (HookRequest.Invalid e) {
                metrics.rejected("invalid_hook");
                ObjectNode reason = rejected.addObject().put("index", i);
                e.problems().forEach(reason.putArray("validation_errors")::add);
            }
        }
        CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new)).handle((v, error) -> v)
                .whenComplete((v, ignored) -> {
                    ArrayNode eventIds = answer.putArray("event_ids");
                    ArrayNode failed = answer.putArray("failed");
                    for (int k = 0; k < accepted.size(); k++) {
                        CompletableFuture<HookIntake.Accepted> f = accepted.get(k);
                        if (f.isCompletedExceptionally()) {
                            failed.add(acceptedIndexes.get(k));
                        } else {
                            eventIds.add(f.join().eventId());
                        }
                    }
                    answer.put("accepted", eventIds.size());
                    HttpResponseStatus status = failed.isEmpty()
                            ? (eventIds.isEmpty() && !items.isEmpty() ? HttpResponseStatus.BAD_REQUEST : HttpResponseStatus.OK)
                            : HttpResponseStatus.SERVICE_UNAVAILABLE;
                    answer.put("code", status.code());
                    answer.put("message", failed.isEmpty() ? (rejected.isEmpty() ? "all events accepted" : rejected.size() + " of " + items.size() + " events rejected")
                            : failed.size() + " valid events could not be stored (Kafka and the spool unavailable); retry those");
                    exchange.answer(HttpAnswers.json(status, answer));
                });
    }

    /** OTLP/HTTP logs: answers in the request's encoding, 503 (which exporters retry) while Kafka is unavailable. */
    private void acceptOtlpLogs(Exchange exchange) {
        if (!exchange.requireContentType("application/x-protobuf", "application/json")) {
            return;
        }
        boolean protobuf = HttpUtil.getMimeType(exchange.request.headers().get(HttpHeaderNames.CONTENT_TYPE)).toString().trim()
                .equalsIgnoreCase("application/x-protobuf");
        CompletableFuture<Integer> published;
        try {
            published = otlp.accept(ByteBufUtil.getBytes(exchange.request.content()), protobuf);
        } catch (OtlpLogsParser.Invalid e) {
            exchange.reject("invalid_otlp", OtlpAnswers.status(protobuf, HttpResponseStatus.BAD_REQUEST, 3, e.getMessage()));
            return;
        }
        published.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).whenComplete((count, error) -> {
            if (error == null) {
                exchange.answer(OtlpAnswers.success(protobuf));
            } else {
                log.warn("OTLP logs not stored: {}", error.toString());
                exchange.reject("unavailable", OtlpAnswers.status(protobuf, HttpResponseStatus.SERVICE_UNAVAILABLE, 14,
                        "Kafka is unavailable; retry"));
            }
        });
    }

    private record Item(String text) {
    }

    /**
     * The items of a batch as the client wrote them: the elements of a JSON array (cut from the text, so each is
     * validated and kept exactly as a single hook would be) or the lines of NDJSON.
     */
    private static List<Item> batchItems(String body) throws java.io.IOException {
        List<Item> items = new ArrayList<>();
        String trimmed = body.strip();
        if (trimmed.startsWith("[")) {
            try (com.fasterxml.jackson.core.JsonParser parser = JSON.getFactory().createParser(trimmed)) {
                parser.nextToken();
                while (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
                    if (parser.currentToken() == null) {
                        throw new com.fasterxml.jackson.core.JsonParseException(parser, "the array is not closed");
                    }
                    int start = (int) parser.currentTokenLocation().getCharOffset();
                    parser.skipChildren();
                    items.add(new Item(trimmed.substring(start, (int) parser.currentLocation().getCharOffset())));
                }
                if (parser.nextToken() != null) {
                    throw new com.fasterxml.jackson.core.JsonParseException(parser, "content after the array");
                }
            }
        } else {
            trimmed.lines().filter(line -> !line.isBlank()).forEach(line -> items.add(new Item(line)));
        }
        return items;
    }

    private static boolean isSpoolFull(Throwable error) {
        return (error instanceof CompletionException && error.getCause() instanceof SpoolFullException) || error instanceof SpoolFullException;
    }

    private FullHttpResponse unavailable(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof SpoolFullException) {
            log.error("Refusing a hook: Kafka is unavailable and {}", cause.getMessage());
            return HttpAnswers.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "Kafka is unavailable and the local spool is full or unwritable");
        }
        log.error("Refusing a hook: {}", cause.toString());
        return HttpAnswers.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "the event could not be stored; retry");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn("collector connection failed: {}", cause.toString());
        ctx.close();
    }

    /** One request and its answer: keep-alive, metrics, in-flight accounting. */
    private final class Exchange {
        final ChannelHandlerContext ctx;
        final FullHttpRequest request;
        final String path;
        boolean keepAlive;
        final long bytes;
        private boolean counted;

        Exchange(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
            this.ctx = ctx;
            this.request = request;
            this.path = path;
            this.keepAlive = HttpUtil.isKeepAlive(request);
            this.bytes = request.content().readableBytes();
        }

        String source() {
            String source = request.headers().get("X-Agent-Source");
            return source == null || source.isBlank() ? "claude-code" : source;
        }

        void onlyGet(Runnable action) {
            if (request.method().equals(HttpMethod.GET)) {
                action.run();
            } else {
                answer(HttpAnswers.error(HttpResponseStatus.METHOD_NOT_ALLOWED, path + " takes GET"));
            }
        }

        void post(Runnable action) {
            if (!request.method().equals(HttpMethod.POST)) {
                answer(HttpAnswers.error(HttpResponseStatus.METHOD_NOT_ALLOWED, path + " takes POST"));
            } else if (!authorized()) {
                FullHttpResponse response = HttpAnswers.error(HttpResponseStatus.UNAUTHORIZED, "missing or wrong bearer token (Authorization: Bearer <collector.auth.token>)");
                response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
                reject("unauthorized", response);
            } else if (inFlight.incrementAndGet() > maxInFlight) {
                inFlight.decrementAndGet();
                reject("overloaded", HttpAnswers.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "collector overloaded; retry"));
            } else {
                counted = true;
                action.run();
            }
        }

        private boolean authorized() {
            if (expectedAuthorization.isEmpty()) {
                return true;
            }
            String given = request.headers().get(HttpHeaderNames.AUTHORIZATION);
            return given != null && MessageDigest.isEqual(expectedAuthorization.get(), given.getBytes(StandardCharsets.UTF_8));
        }

        boolean requireContentType(String... allowed) {
            String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
            String mime = contentType == null ? "" : HttpUtil.getMimeType(contentType).toString().trim().toLowerCase();
            for (String type : allowed) {
                if (mime.equals(type)) {
                    return true;
                }
            }
            reject("unsupported_media_type", HttpAnswers.error(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type must be " + String.join(" or ", allowed) + (contentType == null ? " (none given)" : ", got " + mime)));
            return false;
        }

        void reject(String reason, FullHttpResponse response) {
            metrics.rejected(reason);
            answer(response);
        }

        void answer(FullHttpResponse response) {
            if (counted) {
                inFlight.decrementAndGet();
                counted = false;
            }
            metrics.request(ROUTES.contains(path) ? path : "other", response.status().code(), bytes);
            if (keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(response);
            } else {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
