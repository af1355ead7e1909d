package dev.agenttelemetry.shell;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ShellCommandsTest {
    @Test
    void splitsOnOperatorsOutsideQuotes() {
        assertThat(ShellCommands.split("cd / && sudo rm -rf --no-preserve-root * ; echo done | tee log"))
                .containsExactly(List.of("cd", "/"), List.of("sudo", "rm", "-rf", "--no-preserve-root", "*"),
                        List.of("echo", "done"), List.of("tee", "log"));
    }

    @Test
    void keepsQuotedOperatorsAndSpacesInsideWords() {
        assertThat(ShellCommands.split("grep \"rm -rf && x\" notes.md || echo 'a; b'"))
                .containsExactly(List.of("grep", "rm -rf && x", "notes.md"), List.of("echo", "a; b"));
    }

    @Test
    void handlesEscapesCommentsAndNewlines() {
        assertThat(ShellCommands.split("echo a\\ b # rm -rf /\nls -la"))
                .containsExactly(List.of("echo", "a b"), List.of("ls", "-la"));
        assertThat(ShellCommands.split("echo \"say \\\"hi\\\"\"")).containsExactly(List.of("echo", "say \"hi\""));
    }
}
