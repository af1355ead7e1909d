package dev.agenttelemetry.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Executors;

/**
 * The Prometheus view of Micrometer's global registry, where every component counts: one per process, with the
 * JVM's own meters bound once. {@link #serve} opens {@code GET /metrics} for a process that has no HTTP server of
 * its own (a Streams application or the dispatcher run alone); the collector serves {@link #scrape()} itself.
 */
public final class PrometheusEndpoint {
    /** The Prometheus text format Micrometer writes. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static PrometheusEndpoint instance;

    private final PrometheusMeterRegistry registry;

    private PrometheusEndpoint(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    /** This process's endpoint, created (and added to the global registry) on first use. */
    public static synchronized PrometheusEndpoint get() {
        if (instance == null) {
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new ClassLoaderMetrics().bindTo(registry);
            new JvmMemoryMetrics().bindTo(registry);
            new JvmGcMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            Metrics.addRegistry(registry);
            instance = new PrometheusEndpoint(registry);
        }
        return instance;
    }

    /** The registry behind the endpoint; it is also in Micrometer's global registry. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Every meter of the process, in the Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * Serves {@code GET /metrics} on host:port (port 0: any free one) until the returned server is closed.
     */
    public Server serve(String host, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.createContext("/metrics", this::answer);
        server.setExecutor(Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "metrics-endpoint");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
        return new Server(server);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().add("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(200, exchange.getRequestMethod().equals("HEAD") ? -1 : body.length);
            if (!exchange.getRequestMethod().equals("HEAD")) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    /** A running {@code /metrics} endpoint. */
    public static final class Server implements AutoCloseable {
        private final HttpServer server;

        private Server(HttpServer server) {
            this.server = server;
        }

        public String url() {
            InetSocketAddress address = server.getAddress();
            String host = Optional.ofNullable(address.getHostString()).orElse("127.0.0.1");
            return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort() + "/metrics";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
