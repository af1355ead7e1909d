package dev.agenttelemetry.launcher.security;

import dev.agenttelemetry.topics.TopicLayout;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class AccessPlanTest {
    private final AccessPlan plan = new AccessPlan(TopicLayout.defaults(), "_schemas", "agent-telemetry-enricher",
            "agent-telemetry-analytics", "connect-agent-telemetry-loki");

    @Test
    void onlyTheEnricherReadsTheRawTopicAndNobodyButTheCollectorWritesIt() {
        assertThat(principalsWith(AclOperation.READ, "agent.hooks.raw")).containsExactly("User:enricher");
        assertThat(principalsWith(AclOperation.WRITE, "agent.hooks.raw")).containsExactly("User:collector");
        assertThat(principalsWith(AclOperation.WRITE, "agent.events")).containsExactly("User:enricher");
        assertThat(principalsWith(AclOperation.WRITE, "agent.alerts")).containsExactly("User:analytics");
        assertThat(plan.bindings().stream().map(b -> b.entry().operation())).doesNotContain(AclOperation.DELETE, AclOperation.ALTER,
                AclOperation.ALTER_CONFIGS, AclOperation.CLUSTER_ACTION);
    }

    @Test
    void theCollectorOnlyWritesAndDescribesItsTwoTopics() {
        List<AclBinding> collector = plan.bindings(AccessPlan.COLLECTOR);
        assertThat(collector).allSatisfy(b -> assertThat(b.pattern().resourceType()).isEqualTo(ResourceType.TOPIC));
        assertThat(collector.stream().map(b -> b.pattern().name()).collect(Collectors.toSet())).containsExactlyInAnyOrder("agent.hooks.raw", "agent.otlp.logs");
        assertThat(collector.stream().map(b -> b.entry().operation()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(AclOperation.WRITE, AclOperation.DESCRIBE);
    }

    @Test
    void printsOneKafkaAclsCommandPerPrincipalAndResource() {
        String script = AclsCommand.kafkaAclsCommands(plan.bindings(), "kafka:9093");
        assertThat(script).contains("kafka-acls.sh --bootstrap-server kafka:9093 --command-config admin.properties --add"
                        + " --allow-principal User:collector --operation Write --operation Describe --topic agent.hooks.raw\n")
                .contains("--allow-principal User:enricher --operation Write --operation Describe --transactional-id agent-telemetry-enricher-"
                        + " --resource-pattern-type prefixed\n")
                .contains("--allow-principal User:operator --operation Describe --topic agent.hooks.raw\n");
        assertThat(script.lines().filter(l -> l.startsWith("kafka-acls.sh")).count())
                .isEqualTo(plan.bindings().stream().map(b -> b.entry().principal() + b.pattern()).distinct().count());
    }

    private Set<String> principalsWith(AclOperation operation, String topic) {
        return plan.bindings().stream().filter(b -> b.pattern().resourceType() == ResourceType.TOPIC && b.pattern().name().equals(topic))
                .filter(b -> b.entry().operation() == operation || b.entry().operation() == AclOperation.ALL)
                .map(b -> b.entry().principal()).collect(Collectors.toSet());
    }
}
