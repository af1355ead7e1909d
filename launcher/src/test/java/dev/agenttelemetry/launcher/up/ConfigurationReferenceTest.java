package dev.agenttelemetry.launcher.up;

import dev.agenttelemetry.analytics.AnalyticsConfig;
import dev.agenttelemetry.collector.CollectorConfig;
import dev.agenttelemetry.config.ConfigReader;
import dev.agenttelemetry.enricher.EnricherConfig;
import dev.agenttelemetry.launcher.PipelineSettings;
import dev.agenttelemetry.launcher.SettingsReference;
import dev.agenttelemetry.launcher.security.AccessPlan;
import dev.agenttelemetry.runtime.StreamsApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md's table is generated from {@link SettingsReference}, and that covers every key the components read. */
class ConfigurationReferenceTest {
    private static final Path DOC = Path.of("../docs/configuration.md");
    private static final String BEGIN = "<!-- settings table: generated from SettingsReference -->\n";
    private static final String END = "<!-- end of settings table -->";

    @Test
    void documentsEveryKeyTheComponentsReadAndNoOther(@TempDir Path dir) throws Exception {
        Set<String> read = new TreeSet<>();
        readEverything(Map.of(), dir, read);
        Map<String, String> secured = new HashMap<>(Map.of("kafka.security.protocol", "SASL_SSL", "kafka.ssl.truststore.location",
                Files.writeString(dir.resolve("ca.pem"), "not read here").toString()));
        AccessPlan.PRINCIPALS.forEach(principal -> secured.put(principal + ".kafka.password", "secret"));
        readEverything(secured, dir, read);

        assertThat(read.stream().filter(key -> SettingsReference.ALL.stream().noneMatch(setting -> setting.covers(key))))
                .as("keys read but not in SettingsReference (and so not in docs/configuration.md)").isEmpty();
        assertThat(SettingsReference.ALL.stream().filter(setting -> !setting.keys().isEmpty() && read.stream().noneMatch(setting::covers))
                .map(SettingsReference.Setting::keys)).as("documented settings nothing reads").isEmpty();
    }

    @Test
    void theDocumentedTableIsTheGeneratedOne() throws Exception {
        Files.writeString(Path.of("target/configuration-table.md"), SettingsReference.table());
        String doc = Files.readString(DOC);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertThat(begin).as("docs/configuration.md has the markers").isPositive();
        assertThat(doc.substring(begin + BEGIN.length(), end)).as("the table in docs/configuration.md; replace it with launcher/target/configuration-table.md")
                .isEqualTo(SettingsReference.table());
    }

    /** Every configuration the pipeline's components and commands read, as they read it. */
    private static void readEverything(Map<String, String> values, Path dir, Set<String> read) {
        Map<String, String> withKafka = new HashMap<>(values);
        withKafka.putAll(Map.of("bootstrap.servers", "127.0.0.1:9092", "schema.registry.url", "http://127.0.0.1:8081"));
        PipelineSettings settings = PipelineSettings.of(dir, new ConfigReader(withKafka, "test").reporting(read::add));
        ConfigReader config = settings.config();
        settings.accessPlan();
        AccessPlan.PRINCIPALS.forEach(principal -> settings.kafkaAccess("127.0.0.1:9092", principal));
        CollectorConfig.from(config, "127.0.0.1:9092", settings.topics().raw().name(), dir);
        EnricherConfig.from(config, "127.0.0.1:9092", dir.resolve("streams"), settings.topics().dlq().name());
        AnalyticsConfig.from(config, "127.0.0.1:9092", dir.resolve("streams"));
        StreamsApp.stallTimeout(config);
        StreamsApp.placement(config, 9465);
        Pipeline.runElsewhere(settings);
        Pipeline.lokiSinkSettings(settings);
        Pipeline.brokerOverrides(settings);
    }
}
