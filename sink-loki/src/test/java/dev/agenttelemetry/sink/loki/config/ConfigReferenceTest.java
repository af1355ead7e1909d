package dev.agenttelemetry.sink.loki.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigReferenceTest {
    private static final Path DOC = Path.of("../docs/sink-loki-configuration.md");

    @Test
    void theDocumentedReferenceIsTheOneTheConfigDefGenerates() throws Exception {
        String generated = LokiSinkConfig.reference();
        Path fresh = Path.of("target/sink-loki-configuration.md");
        Files.writeString(fresh, generated);
        assertThat(DOC).as("docs/sink-loki-configuration.md is out of date; replace it with sink-loki/target/sink-loki-configuration.md")
                .exists().hasContent(generated);
        assertThat(generated).contains("`loki.url`", "`batch.max.bytes`", "`loki.auth.bearer.token`", "(required)");
    }
}
