package dev.agenttelemetry.collector.http;

import dev.agenttelemetry.collector.metrics.CollectorMetrics;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;

/** Aggregates request bodies up to the limit; a larger one is answered 413 in our error shape before it is read. */
final class BodyLimit extends HttpObjectAggregator {
    private final int maxBodyBytes;
    private final CollectorMetrics metrics;

    BodyLimit(int maxBodyBytes, CollectorMetrics metrics) {
        super(maxBodyBytes);
        this.maxBodyBytes = maxBodyBytes;
        this.metrics = metrics;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        metrics.rejected("too_large");
        FullHttpResponse response = HttpAnswers.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "request body larger than " + maxBodyBytes + " bytes (collector.max.body.bytes)");
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        // The rest of the body is not read: close once the answer is out.
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
