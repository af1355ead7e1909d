package dev.agenttelemetry.launcher.hooks;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code agent-telemetry uninstall-hooks}: removes only agent-telemetry's hooks. */
@Command(name = "uninstall-hooks", mixinStandardHelpOptions = true,
        description = "Removes agent-telemetry's hooks from a Claude Code settings.json; every other hook and setting stays.",
        footer = {"", "Examples:", "  agent-telemetry uninstall-hooks", "  agent-telemetry uninstall-hooks --project ~/code/shop --dry-run"})
public final class UninstallHooksCommand implements Callable<Integer> {
    @Mixin
    HooksOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SettingsFile.apply(options.settingsFile(), settings -> HookSettings.uninstall(settings, options.url), options.dryRun,
                spec.commandLine().getOut());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
