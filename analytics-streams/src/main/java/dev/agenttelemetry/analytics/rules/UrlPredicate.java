package dev.agenttelemetry.analytics.rules;

import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;

/** A URL (WebFetch) whose host is one of the given domains (or their subdomains), or a raw IP address. */
record UrlPredicate(List<String> hosts, boolean ipLiteral) {
    private static final Pattern IP = Pattern.compile("^(?:\\d{1,3}(?:\\.\\d{1,3}){3}|\\[[0-9a-fA-F:]+])$");

    boolean matches(String url) {
        if (url == null) {
            return false;
        }
        String host;
        try {
            host = URI.create(url.trim()).getHost();
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase();
        if (ipLiteral && IP.matcher(h).matches() && !h.startsWith("127.")) {
            return true;
        }
        return hosts.stream().anyMatch(domain -> h.equals(domain) || h.endsWith("." + domain));
    }
}
