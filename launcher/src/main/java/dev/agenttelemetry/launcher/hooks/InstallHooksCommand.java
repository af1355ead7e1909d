package dev.agenttelemetry.launcher.hooks;

import dev.agenttelemetry.launcher.PipelineSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code agent-telemetry install-hooks}: points Claude Code's hooks at the collector. */
@Command(name = "install-hooks", mixinStandardHelpOptions = true,
        description = {"Points Claude Code's hooks at the collector.",
                "Adds agent-telemetry's hooks for every hook event to a Claude Code settings.json, keeping the",
                "hooks already there. Running it again changes nothing; uninstall-hooks removes only ours."},
        footer = {"", "Examples:", "  agent-telemetry install-hooks --dry-run", "  agent-telemetry install-hooks --project ~/code/shop",
                "  agent-telemetry install-hooks --url http://10.0.0.5:4180/v1/hooks \\",
                "      --token-env AGENT_TELEMETRY_TOKEN"})
public final class InstallHooksCommand implements Callable<Integer> {
    @Mixin
    HooksOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "2", description = "How long Claude Code waits for the collector per event (default: ${DEFAULT-VALUE}).")
    int timeoutSecs;

    @Option(names = "--token-env", paramLabel = "VAR", description = "Send the collector's bearer token from this environment variable.")
    String tokenEnv;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "The collector's data directory, for the fallback file (default: ~/.agent-telemetry).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path fallback = (dataDir != null ? dataDir : PipelineSettings.defaultDataDir()).toAbsolutePath()
                .resolve("collector").resolve("fallback.ndjson");
        HookSettings.Target target = new HookSettings.Target(options.url, timeoutSecs, Optional.ofNullable(tokenEnv), fallback);
        SettingsFile.apply(options.settingsFile(), settings -> HookSettings.install(settings, target), options.dryRun, out);
        out.println();
        out.println("Claude Code's own telemetry (tokens, cost per request) can go to the collector too; set in its environment:");
        SettingsFile.otlpEnvironment(options.collectorBase()).forEach(line -> out.println("  " + line));
        out.flush();
        return 0;
    }
}
