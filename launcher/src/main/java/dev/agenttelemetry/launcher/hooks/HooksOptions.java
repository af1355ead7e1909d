package dev.agenttelemetry.launcher.hooks;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Which settings file, and which collector: shared by install-hooks and uninstall-hooks. */
final class HooksOptions {
    static final String DEFAULT_URL = "http://127.0.0.1:4180/v1/hooks";

    static final class Scope {
        @Option(names = "--user", description = "~/.claude/settings.json: every project of this user (the default).")
        boolean user;

        @Option(names = "--project", paramLabel = "DIR", description = "DIR/.claude/settings.json: one project.")
        Path project;
    }

    @ArgGroup(exclusive = true)
    Scope scope;

    @Option(names = "--url", paramLabel = "URL", defaultValue = DEFAULT_URL, description = "The collector's hook endpoint (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--dry-run", description = "Show the change without writing it.")
    boolean dryRun;

    Path settingsFile() {
        Path base = scope != null && scope.project != null ? scope.project : Path.of(System.getProperty("user.home"));
        return base.resolve(".claude").resolve("settings.json");
    }

    String collectorBase() {
        return url.replaceAll("/v1/hooks/?$", "");
    }
}
