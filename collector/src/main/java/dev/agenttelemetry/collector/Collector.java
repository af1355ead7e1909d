package dev.agenttelemetry.collector;

import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.collector.http.CollectorServer;
import dev.agenttelemetry.collector.publish.HookPublisher;
import dev.agenttelemetry.schemas.topics.Topic;

/** The collector application: an HTTP endpoint for agent hooks that publishes each event to the raw topic. */
public final class Collector implements AutoCloseable {
    private final HookPublisher publisher;
    private final CollectorServer server;

    private Collector(HookPublisher publisher, CollectorServer server) {
        this.publisher = publisher;
        this.server = server;
    }

    public static Collector start(CollectorConfig config, Topic<String, HookEnvelope> rawTopic) throws InterruptedException {
        HookPublisher publisher = HookPublisher.create(config.bootstrapServers(), rawTopic, config.producerOverrides());
        try {
            return new Collector(publisher, CollectorServer.start(config, publisher));
        } catch (RuntimeException | InterruptedException e) {
            publisher.close();
            throw e;
        }
    }

    public String url() {
        return server.url();
    }

    @Override
    public void close() {
        server.close();
        publisher.close();
    }
}
