package dev.agenttelemetry.launcher;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HelpTextTest {
    @Test
    void joinsSourceLinesIntoParagraphsAndKeepsSummariesAndIndentedLinesApart() {
        String[] lines = {"Points the hooks at the collector.", "Adds our hooks to a settings file, keeping the", "hooks already there.",
                "Then:", "  an example line", "  another one"};

        assertThat(HelpText.paragraphs(lines)).containsExactly("Points the hooks at the collector.",
                "Adds our hooks to a settings file, keeping the hooks already there.", "Then:", "  an example line", "  another one");
    }

    @Test
    void everyCommandsHelpReadsAsParagraphs() {
        Cli.Run help = Cli.run("dispatch", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out().replaceAll("\\s+", " "))
                .contains("a consumer group on the alerts topic that sends each new alert to the channels its severity routes it to");
    }

    @Test
    void examplesFitEightyColumnsSoTheyAreNeverBrokenAndStayCopyable() {
        List<String> tooLong = new ArrayList<>();
        collectLongFooterLines(AgentTelemetry.commandLine(), tooLong);

        assertThat(tooLong).isEmpty();
    }

    private static void collectLongFooterLines(CommandLine command, List<String> tooLong) {
        for (String line : command.getCommandSpec().usageMessage().footer()) {
            if (line.length() > 80) {
                tooLong.add(command.getCommandSpec().qualifiedName() + ": " + line);
            }
        }
        command.getSubcommands().values().forEach(sub -> collectLongFooterLines(sub, tooLong));
    }
}
