package dev.agenttelemetry.collector.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The collector's answers: success with an empty body, errors in one JSON shape. */
final class HttpAnswers {
    static final String EVENT_ID_HEADER = "X-Event-Id";
    static final String SPOOLED_HEADER = "X-Spooled";
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpAnswers() {
    }

    /** 200 with an EMPTY body: Claude Code reads any JSON body as a hook decision. */
    static FullHttpResponse accepted(String eventId, boolean spooled) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
        response.headers().set(EVENT_ID_HEADER, eventId).setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        if (spooled) {
            response.headers().set(SPOOLED_HEADER, "true");
        }
        return response;
    }

    static FullHttpResponse text(HttpResponseStatus status, String contentType, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    static FullHttpResponse json(HttpResponseStatus status, ObjectNode body) {
        return text(status, HttpHeaderValues.APPLICATION_JSON.toString(), body.toString());
    }

    /** {@code {"code": 400, "message": "...", "validation_errors": [...]}}; never quotes the request body. */
    static FullHttpResponse error(HttpResponseStatus status, String message, List<String> validationErrors) {
        ObjectNode body = JSON.createObjectNode().put("code", status.code()).put("message", message);
        if (!validationErrors.isEmpty()) {
            validationErrors.forEach(body.putArray("validation_errors")::add);
        }
        return json(status, body);
    }

    static FullHttpResponse error(HttpResponseStatus status, String message) {
        return error(status, message, List.of());
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }
}
