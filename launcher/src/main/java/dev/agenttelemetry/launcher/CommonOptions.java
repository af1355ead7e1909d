package dev.agenttelemetry.launcher;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
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

    /**
     * For long-running commands: logs go to {@code <data-dir>/logs/<fileName>} (Kafka's own components at
     * info level only when {@code verbose}), and native libraries unpack under the data directory, not /tmp.
     * Must run before the first logger is created: slf4j-simple reads these settings once.
     */
    public Path logToFile(String fileName, boolean verbose) throws IOException {
        Path dataDir = dataDir();
        Files.createDirectories(dataDir.resolve("logs"));
        // RocksDB and zstd unpack native libraries into java.io.tmpdir: keep them with our data, not in /tmp.
        Files.createDirectories(dataDir.resolve("tmp"));
        System.setProperty("java.io.tmpdir", dataDir.resolve("tmp").toString());
        Path logFile = dataDir.resolve("logs").resolve(fileName);
        System.setProperty("org.slf4j.simpleLogger.logFile", logFile.toString());
        if (verbose) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        }
        return logFile;
    }

    public PipelineSettings settings(Map<String, String> commandLine) {
        return PipelineSettings.load(dataDir(), configFile, commandLine);
    }
}
