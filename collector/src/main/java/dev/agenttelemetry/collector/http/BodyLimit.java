package dev.agenttelemetry.collector.http;

import dev.agenttelemetry.collector.metrics.CollectorMetrics;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/** Aggregates request bodies up to the limit; a larger one is answered 413 in our error shape before it is read, asked for first or not. */
final class BodyLimit extends HttpObjectAggregator {
    private final int maxBodyBytes;
    private final CollectorMetrics metrics;

    BodyLimit(int maxBodyBytes, CollectorMetrics metrics) {
        super(maxBodyBytes, true); // close after refusing an Expect: 100-continue, as after any oversized request
        this.maxBodyBytes = maxBodyBytes;
        this.metrics = metrics;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        // The rest of the body is not read: close once the answer is out.
        ctx.writeAndFlush(tooLarge()).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * A client that asks first ({@code Expect: 100-continue}, as curl does above 1 MB) and announces a body over the
     * limit gets the same answer as one that just sends it, instead of Netty's bare 413.
     */
    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
        return answer instanceof HttpResponse response && response.status().equals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE) ? tooLarge() : answer;
    }

    private FullHttpResponse tooLarge() {
        metrics.rejected("too_large");
        FullHttpResponse response = HttpAnswers.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "request body larger than " + maxBodyBytes + " bytes (collector.max.body.bytes)");
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }
}
