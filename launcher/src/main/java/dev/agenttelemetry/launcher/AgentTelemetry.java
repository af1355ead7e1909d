package dev.agenttelemetry.launcher;

import dev.agenttelemetry.config.ConfigException;
import dev.agenttelemetry.launcher.alerts.AlertsCommand;
import dev.agenttelemetry.launcher.collector.CollectorCommand;
import dev.agenttelemetry.launcher.mask.MaskCommand;
import dev.agenttelemetry.launcher.log.LogCommand;
import dev.agenttelemetry.launcher.report.ReportCommand;
import dev.agenttelemetry.launcher.rules.RulesCommand;
import dev.agenttelemetry.launcher.security.AclsCommand;
import dev.agenttelemetry.launcher.sessions.SessionCommand;
import dev.agenttelemetry.launcher.status.StatusCommand;
import dev.agenttelemetry.launcher.sessions.VerifyCommand;
import dev.agenttelemetry.launcher.dispatch.DispatchCommand;
import dev.agenttelemetry.launcher.hooks.InstallHooksCommand;
import dev.agenttelemetry.launcher.hooks.UninstallHooksCommand;
import dev.agenttelemetry.launcher.up.BrokerCommand;
import dev.agenttelemetry.launcher.up.StreamsAppCommand;
import dev.agenttelemetry.launcher.up.UpCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The {@code agent-telemetry} command. */
@Command(name = "agent-telemetry", mixinStandardHelpOptions = true, versionProvider = AgentTelemetry.Version.class,
        description = "Telemetry, masking and security alerts for AI coding agents, on Apache Kafka.",
        subcommands = {UpCommand.class, BrokerCommand.class, StreamsAppCommand.Enricher.class, StreamsAppCommand.Analytics.class, AclsCommand.class, AlertsCommand.class, DispatchCommand.class, LogCommand.class, SessionCommand.class, VerifyCommand.class, ReportCommand.class, StatusCommand.class, InstallHooksCommand.class, UninstallHooksCommand.class, CollectorCommand.class, MaskCommand.class, RulesCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Examples:", "  agent-telemetry up                the whole pipeline on this machine",
                "  agent-telemetry install-hooks     point Claude Code's hooks at the collector",
                "  agent-telemetry alerts --follow   watch security alerts as they are raised",
                "  agent-telemetry session ID        one session as a timeline",
                "  agent-telemetry verify ID         check a session's audit trail"})
public final class AgentTelemetry {
    public static void main(String[] args) {
        System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "dev.agenttelemetry");
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return configure(new CommandLine(new AgentTelemetry()));
    }

    /** Our help layout and error handling, for this command line and others built on its commands. */
    public static CommandLine configure(CommandLine commandLine) {
        HelpText.joinParagraphs(commandLine);
        commandLine.setExecutionExceptionHandler((error, cmd, parseResult) -> {
            Throwable cause = error;
            while (cause.getCause() != null && !(cause instanceof ConfigException)) {
                cause = cause.getCause();
            }
            cmd.getErr().println(cmd.getColorScheme().errorText("error: " + (cause instanceof ConfigException ? cause.getMessage() : error.getMessage())));
            return error instanceof ConfigException || cause instanceof ConfigException ? 2 : 1;
        });
        return commandLine;
    }

    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = AgentTelemetry.class.getResourceAsStream("/agent-telemetry-version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[]{"agent-telemetry " + properties.getProperty("version", "unknown")};
        }
    }
}
