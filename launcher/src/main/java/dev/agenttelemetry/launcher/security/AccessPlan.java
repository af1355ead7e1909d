package dev.agenttelemetry.launcher.security;

import dev.agenttelemetry.topics.TopicLayout;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.List;

import static org.apache.kafka.common.acl.AclOperation.ALL;
import static org.apache.kafka.common.acl.AclOperation.CREATE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;

/**
 * Least privilege for the pipeline: one principal per component and only the rights its job needs. Only the
 * enricher may read the raw hook topic (it holds unmasked secrets); the collector may only write the two
 * topics it receives into; nothing but the operator (the CLI) may read the OTLP topic, which {@code report}
 * needs for tokens and cost.
 *
 * @param enricherApplicationId  the enricher's Streams application id: its group, internal topics and transactional ids
 * @param analyticsApplicationId the same for analytics
 * @param sinkGroup              the Loki sink connector's consumer group ({@code connect-<connector name>})
 */
public record AccessPlan(TopicLayout topics, String registryTopic, String enricherApplicationId, String analyticsApplicationId,
                         String sinkGroup) {
    /** Groups the operator may join with {@code agent-telemetry dispatch --group}. */
    public static final String DISPATCHER_GROUP_PREFIX = "agent-telemetry-dispatch";

    public static final String COLLECTOR = "collector";
    public static final String ENRICHER = "enricher";
    public static final String ANALYTICS = "analytics";
    public static final String REGISTRY = "registry";
    public static final String CONNECT = "connect";
    public static final String OPERATOR = "operator";
    /** The super user of the embedded secured broker: provisions topics, users and ACLs; no component runs as it. */
    public static final String ADMIN = "admin";

    /** Every principal that gets ACLs, in pipeline order. */
    public static final List<String> PRINCIPALS = List.of(COLLECTOR, ENRICHER, ANALYTICS, REGISTRY, CONNECT, OPERATOR);

    public List<AclBinding> bindings() {
        List<AclBinding> acls = new ArrayList<>();
        for (String principal : PRINCIPALS) {
            acls.addAll(bindings(principal));
        }
        return acls;
    }

    public List<AclBinding> bindings(String principal) {
        Grants grants = new Grants(principal);
        switch (principal) {
            case COLLECTOR -> grants.topic(topics.raw().name(), WRITE, DESCRIBE)
                    .topic(topics.otlpLogs().name(), WRITE, DESCRIBE);
            case ENRICHER -> grants.topic(topics.raw().name(), READ, DESCRIBE)
                    .topic(topics.events().name(), WRITE, DESCRIBE)
                    .topic(topics.dlq().name(), WRITE, DESCRIBE)
                    .streamsApplication(enricherApplicationId);
            case ANALYTICS -> grants.topic(topics.events().name(), READ, DESCRIBE)
                    .topic(topics.alerts().name(), WRITE, DESCRIBE)
                    .topic(topics.sessions().name(), WRITE, DESCRIBE)
                    .streamsApplication(analyticsApplicationId);
            case REGISTRY -> grants.topic(registryTopic, CREATE, READ, WRITE, DESCRIBE);
            case CONNECT -> grants.topic(topics.events().name(), READ, DESCRIBE)
                    .topic(topics.alerts().name(), READ, DESCRIBE)
                    .topic(topics.sessions().name(), READ, DESCRIBE)
                    .topic(topics.dlq().name(), WRITE, DESCRIBE)
                    .group(sinkGroup, PatternType.LITERAL, READ);
            case OPERATOR -> grants.topic(topics.events().name(), READ, DESCRIBE)
                    .topic(topics.alerts().name(), READ, DESCRIBE)
                    .topic(topics.sessions().name(), READ, DESCRIBE)
                    .topic(topics.otlpLogs().name(), READ, DESCRIBE)
                    .topic(topics.dlq().name(), READ, DESCRIBE)
                    // status reports the enricher's lag: the raw topic's offsets, never its records
                    .topic(topics.raw().name(), DESCRIBE)
                    .group(enricherApplicationId, PatternType.LITERAL, DESCRIBE)
                    .group(analyticsApplicationId, PatternType.LITERAL, DESCRIBE)
                    .group(sinkGroup, PatternType.LITERAL, DESCRIBE)
                    .group(DISPATCHER_GROUP_PREFIX, PatternType.PREFIXED, READ, DESCRIBE);
            default -> throw new IllegalArgumentException("unknown principal " + principal + "; known: " + PRINCIPALS);
        }
        return grants.acls;
    }

    /** Collects ALLOW entries for one principal from any host. */
    private static final class Grants {
        private final String principal;
        private final List<AclBinding> acls = new ArrayList<>();

        Grants(String principal) {
            this.principal = "User:" + principal;
        }

        Grants topic(String name, AclOperation... operations) {
            return allow(new ResourcePattern(ResourceType.TOPIC, name, PatternType.LITERAL), operations);
        }

        Grants group(String name, PatternType type, AclOperation... operations) {
            return allow(new ResourcePattern(ResourceType.GROUP, name, type), operations);
        }

        /**
         * What a Kafka Streams application needs beyond its input and output topics: its group, its internal
         * (changelog and repartition) topics and, under exactly-once, its transactional ids, all named after its id.
         */
        Grants streamsApplication(String applicationId) {
            group(applicationId, PatternType.LITERAL, READ, DESCRIBE);
            allow(new ResourcePattern(ResourceType.TOPIC, applicationId + "-", PatternType.PREFIXED), ALL);
            return allow(new ResourcePattern(ResourceType.TRANSACTIONAL_ID, applicationId + "-", PatternType.PREFIXED), WRITE, DESCRIBE);
        }

        private Grants allow(ResourcePattern resource, AclOperation... operations) {
            for (AclOperation operation : operations) {
                acls.add(new AclBinding(resource, new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
            }
            return this;
        }
    }
}
