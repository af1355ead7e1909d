package dev.agenttelemetry.launcher.security;

import dev.agenttelemetry.launcher.KafkaOptions;
import dev.agenttelemetry.launcher.PipelineSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** {@code agent-telemetry acls}: each component's Kafka ACLs, as kafka-acls.sh commands or applied directly. */
@Command(name = "acls", mixinStandardHelpOptions = true,
        description = {"Prints, or applies, the least-privilege ACLs of every component.",
                "One principal per component (collector, enricher, analytics, registry, connect, operator) with only the rights",
                "its job needs, for the topic names and application ids configured. Without --apply it prints kafka-acls.sh",
                "commands for your cluster's administrators; with --apply it creates the ACLs as the admin principal",
                "(admin.kafka.username and admin.kafka.password). `up` on the embedded broker does this by itself."},
        footer = {"", "Examples:", "  agent-telemetry acls --bootstrap-servers kafka:9093 > acls.sh",
                "  AGENT_TELEMETRY_ADMIN_KAFKA_PASSWORD=... \\",
                "      agent-telemetry acls --apply --bootstrap-servers kafka:9093"})
public final class AclsCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Spec
    CommandSpec spec;

    @Option(names = "--apply", description = "Create the ACLs on the cluster (as the admin principal) instead of printing commands.")
    boolean apply;

    @Override
    public Integer call() throws Exception {
        KafkaOptions.Resolved resolved = kafka.resolveSettings();
        PipelineSettings settings = resolved.settings();
        List<AclBinding> bindings = settings.accessPlan().bindings();
        PrintWriter out = spec.commandLine().getOut();
        if (!apply) {
            out.print(kafkaAclsCommands(bindings, resolved.kafka().bootstrapServers()));
            out.flush();
            return 0;
        }
        try (Admin admin = Admin.create(settings.kafkaAccess(resolved.kafka().bootstrapServers(), AccessPlan.ADMIN).clientProperties())) {
            admin.createAcls(bindings).all().get(30, TimeUnit.SECONDS);
        }
        out.println(bindings.size() + " ACLs in place for " + String.join(", ", AccessPlan.PRINCIPALS) + " on " + resolved.kafka().bootstrapServers());
        out.flush();
        return 0;
    }

    /** One kafka-acls.sh command per principal and resource, its operations together. */
    static String kafkaAclsCommands(List<AclBinding> bindings, String bootstrapServers) {
        Map<String, List<AclBinding>> byPrincipalAndResource = bindings.stream().collect(Collectors.groupingBy(
                b -> b.entry().principal() + " " + b.pattern(), LinkedHashMap::new, Collectors.toList()));
        StringBuilder script = new StringBuilder("# Least-privilege ACLs for agent-telemetry; run as a Kafka administrator.\n");
        byPrincipalAndResource.values().forEach(group -> {
            AclBinding first = group.get(0);
            script.append("kafka-acls.sh --bootstrap-server ").append(bootstrapServers).append(" --command-config admin.properties --add")
                    .append(" --allow-principal ").append(first.entry().principal());
            group.forEach(b -> script.append(" --operation ").append(operationName(b)));
            script.append(resourceOption(first.pattern())).append('\n');
        });
        return script.toString();
    }

    private static String operationName(AclBinding binding) {
        return switch (binding.entry().operation()) {
            case DESCRIBE_CONFIGS -> "DescribeConfigs";
            case IDEMPOTENT_WRITE -> "IdempotentWrite";
            default -> binding.entry().operation().name().charAt(0) + binding.entry().operation().name().substring(1).toLowerCase();
        };
    }

    private static String resourceOption(ResourcePattern pattern) {
        String option = switch (pattern.resourceType()) {
            case TOPIC -> " --topic ";
            case GROUP -> " --group ";
            case TRANSACTIONAL_ID -> " --transactional-id ";
            default -> throw new IllegalArgumentException("no kafka-acls.sh option for " + pattern.resourceType());
        };
        return option + pattern.name() + (pattern.patternType() == PatternType.PREFIXED ? " --resource-pattern-type prefixed" : "");
    }
}
