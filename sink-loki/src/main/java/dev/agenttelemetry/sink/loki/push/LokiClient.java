package dev.agenttelemetry.sink.loki.push;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import javax.net.ssl.SSLContext;

/** Sends one push request (one stream) to Loki's {@code /loki/api/v1/push} and returns Loki's answer. */
public final class LokiClient {
    private final URI pushUri;
    private final String tenant;
    private final Optional<String> authorization;
    private final Duration timeout;
    private final PushEncoding encoding;
    private final HttpClient http;

    /** Loki's answer: the status and its (text/plain) body. */
    public record Answer(int status, String body) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    /**
     * @param authorization the full {@code Authorization} header value (Basic or Bearer), if any
     * @param ssl           TLS settings for https URLs, if not the JVM's defaults
     */
    public LokiClient(URI pushUri, String tenant, Optional<String> authorization, Duration timeout, PushEncoding encoding,
                      Optional<SSLContext> ssl) {
        this.pushUri = pushUri;
        this.tenant = tenant;
        this.authorization = authorization;
        this.timeout = timeout;
        this.encoding = encoding;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout);
        ssl.ifPresent(builder::sslContext);
        this.http = builder.build();
    }

    public URI pushUri() {
        return pushUri;
    }

    public Answer send(SortedMap<String, String> labels, List<LokiEntry> entries) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(pushUri).timeout(timeout)
                .header("Content-Type", encoding.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(encoding.encode(labels, entries)));
        if (tenant != null && !tenant.isBlank()) {
            request.header("X-Scope-OrgID", tenant);
        }
        authorization.ifPresent(value -> request.header("Authorization", value));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String body = response.body() == null ? "" : response.body().strip();
        return new Answer(response.statusCode(), body.length() > 1000 ? body.substring(0, 1000) + "…" : body);
    }
}
