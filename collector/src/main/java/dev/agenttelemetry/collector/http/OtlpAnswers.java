package dev.agenttelemetry.collector.http;

import com.google.protobuf.CodedOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** OTLP/HTTP answers, in the encoding of the request as the specification asks. */
final class OtlpAnswers {
    private OtlpAnswers() {
    }

    static FullHttpResponse success(boolean protobuf) {
        return protobuf
                ? bytes(HttpResponseStatus.OK, ExportLogsServiceResponse.getDefaultInstance().toByteArray())
                : HttpAnswers.text(HttpResponseStatus.OK, "application/json", "{}");
    }

    /** A google.rpc.Status: {@code code} is a gRPC status code (3 invalid argument, 14 unavailable). */
    static FullHttpResponse status(boolean protobuf, HttpResponseStatus http, int code, String message) {
        if (!protobuf) {
            return HttpAnswers.json(http, HttpAnswers.object().put("code", code).put("message", message));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            CodedOutputStream coded = CodedOutputStream.newInstance(out);
            coded.writeInt32(1, code);
            coded.writeString(2, message);
            coded.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes(http, out.toByteArray());
    }

    private static FullHttpResponse bytes(HttpResponseStatus status, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-protobuf").setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }
}
