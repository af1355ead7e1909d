package dev.agenttelemetry.dispatch;

import dev.agenttelemetry.retry.RetryPolicy;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agenttelemetry.avro.SecurityAlert;
import dev.agenttelemetry.schemas.json.RecordJson;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** POSTs each alert as JSON: the alert record itself (generic), or a Slack-compatible incoming-webhook message. */
final class WebhookChannel implements Channel {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String name;
    private final URI url;
    private final boolean slack;
    private final Map<String, String> headers;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    WebhookChannel(String name, URI url, boolean slack, Map<String, String> headers) {
        this.name = name;
        this.url = url;
        this.slack = slack;
        this.headers = Map.copyOf(headers);
    }

    @Override
    public String name() {
        return name;
    }

    String body(SecurityAlert alert) {
        if (!slack) {
            return RecordJson.toJson(alert);
        }
        String emoji = switch (alert.getSeverity()) {
            case critical -> ":rotating_light:";
            case high -> ":warning:";
            case medium -> ":large_orange_diamond:";
            default -> ":information_source:";
        };
        ObjectNode message = JSON.createObjectNode().put("text", emoji + " " + Channel.summary(alert));
        ObjectNode section = message.putArray("blocks").addObject().put("type", "section");
        section.putObject("text").put("type", "mrkdwn").put("text", emoji + " *" + alert.getSeverity().name().toUpperCase() + "* "
                + escape(alert.getTitle()) + " (`" + alert.getRuleId() + "`)\n*Session* `" + alert.getSessionId() + "`"
                + (alert.getProjectName() == null ? "" : "  *Project* " + escape(alert.getProjectName()))
                + "\n```" + alert.getEvidence().replace("```", "'''") + "```");
        return message.toString();
    }

    @Override
    public void send(SecurityAlert alert) throws DeliveryException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(alert)));
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status / 100 != 2) {
                throw new DeliveryException(name + ": " + url.getHost() + " answered " + status, RetryPolicy.ofHttpStatus(status) == RetryPolicy.Outcome.RETRIABLE, null);
            }
        } catch (IOException e) {
            throw new DeliveryException(name + ": no answer from " + url.getHost() + " (" + e.getMessage() + ")", true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException(name + ": interrupted", true, e);
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
