package dev.agenttelemetry.analytics.rules;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GlobsTest {
    private final Globs globs = Globs.of(List.of("rm", "shred", "mkfs.*", "~/.ssh/**", "**/.env", "/etc/?asswd", "a.b"));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "rm, true", "rmdir, false", "shred, true",
            "mkfs.ext4, true", "mkfs., true", "mkfs, false", "mkfs.ext4/x, false",
            "~/.ssh/id_rsa, true", "~/.ssh/keys/id_rsa, true", "~/.sshx/id_rsa, false",
            ".env, true", "app/config/.env, true", ".env.local, false",
            "/etc/passwd, true", "/etc/spasswd, false",
            "a.b, true", "axb, false",
    })
    void literalsAndWildcardsMatchWholeValues(String value, boolean expected) {
        assertThat(globs.matches(value)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"rm", "''", "anything"})
    void anEmptySetMatchesNothing(String value) {
        assertThat(Globs.NONE.isEmpty()).isTrue();
        assertThat(Globs.NONE.matches(value)).isFalse();
    }
}
