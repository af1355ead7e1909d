package dev.agenttelemetry.launcher;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/** Options every command shares: where the data and the config file are. */
public final class CommonOptions {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the embedded broker, Streams state and logs live (default: ~/.agent-telemetry).")
    Path dataDir;

    @Option(names = "--config", paramLabel = "FILE", description = "A properties file of settings (default: <data-dir>/agent-telemetry.properties if present).")
    Path configFile;

    public Path dataDir() {
        return dataDir != null ? dataDir : PipelineSettings.defaultDataDir();
    }

    public PipelineSettings settings(Map<String, String> commandLine) {
        return PipelineSettings.load(dataDir(), configFile, commandLine);
    }
}
