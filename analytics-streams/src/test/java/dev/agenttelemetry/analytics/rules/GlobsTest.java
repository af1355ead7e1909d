package dev.agenttelemetry.analytics.rules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.regex.Pattern;

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

    /** Prefixes, suffixes and last segments are shortcuts: each must answer as the glob's regular expression does. */
    @Test
    void everyShortcutAnswersAsTheRegularExpression() {
        List<String> globs = List.of("/**", "/etc/**", "~/.ssh/**", "~/Library/Application Support/Firefox/**", "**/.env", "**/.aws/credentials",
                "**/*.pem", "**/id_rsa*", "**/?d_rsa", "**/*", "**", "*", "**/", "**/.claude/hooks/**", "**/.git/hooks/*", "/proc/*/environ",
                "/etc/cron.*/**", "mkfs.*", "python*", "impacket-*", "rm", "~/*", "../*", "0:*", "HISTCONTROL=*ignore*");
        List<String> values = List.of("", "/", "rm", "/etc", "/etc/", "/etc/passwd", "/etcetera", "etc/passwd", "~/.ssh", "~/.ssh/id_rsa",
                "/home/dev/.ssh/id_rsa", ".env", "/app/.env", "app/.env.local", "x.env", ".aws/credentials", "/root/.aws/credentials",
                "x.aws/credentials", "cert.pem", "/tmp/a/cert.pem", "/tmp/a.pem/b", "id_rsa.pub", "/a/id_rsa", "/a/xd_rsa", "/a/x/d_rsa",
                "/repo/.claude/hooks/pre.sh", "/repo/.git/hooks/pre-commit", "/repo/.git/hooks/a/b", "/proc/1/environ", "/proc/1/2/environ",
                "/etc/cron.daily/job", "mkfs.ext4", "python", "python3.12", "python3/x", "impacket-secretsdump", "~/notes", "~/a/b", "../x", "0:0", "HISTCONTROL=ignoreboth", "a/", "dir/",
                "~/Library/Application Support/Firefox/Profiles/x");
        for (String glob : globs) {
            Globs one = Globs.of(List.of(glob));
            Pattern regex = Pattern.compile(Globs.regex(glob), Pattern.DOTALL);
            for (String value : values) {
                assertThat(one.matches(value)).as("%s against %s", glob, value).isEqualTo(regex.matcher(value).matches());
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"rm", "''", "anything"})
    void anEmptySetMatchesNothing(String value) {
        assertThat(Globs.NONE.isEmpty()).isTrue();
        assertThat(Globs.NONE.matches(value)).isFalse();
    }
}
