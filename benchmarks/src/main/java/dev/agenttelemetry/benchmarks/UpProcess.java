package dev.agenttelemetry.benchmarks;

import dev.agenttelemetry.kafka.FreePorts;
import dev.agenttelemetry.launcher.AgentTelemetry;
import dev.agenttelemetry.launcher.PipelineSettings;
import dev.agenttelemetry.launcher.up.UpCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** {@code agent-telemetry up} in a JVM of its own, on free local ports, its output in {@code up.log} of its data directory. */
final class UpProcess implements AutoCloseable {
    /** The JVM options {@code ./agent-telemetry up} runs with unless AGENT_TELEMETRY_JAVA_OPTS says otherwise (keep in step with the script). */
    static final String DEFAULT_JVM_OPTIONS = "-Xms448m -Xmx512m -XX:+UseSerialGC";

    private final Process process;
    private final PipelineSettings settings;
    private final String collectorUrl;

    private UpProcess(Process process, PipelineSettings settings, String collectorUrl) {
        this.process = process;
        this.settings = settings;
        this.collectorUrl = collectorUrl;
    }

    static UpProcess start(Path dataDir, String jvmOptions, Map<String, String> extraSettings) throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        Map<String, String> config = new LinkedHashMap<>();
        // The broker and registry ports are read back from the settings, so they are named here; the collector
        // and Connect take any free port (the ready line names the collector's), as a port picked early may be taken by then.
        for (String port : List.of("broker.port", "broker.controller.port", "schema.registry.port")) {
            config.put(port, Integer.toString(FreePorts.loopback()));
        }
        config.put("connect.rest.port", "0");
        config.put("collector.port", "0");
        config.putAll(extraSettings);
        Files.writeString(dataDir.resolve(PipelineSettings.CONFIG_FILE_NAME),
                config.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n", "", "\n")));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(Arrays.stream(jvmOptions.trim().split("\\s+")).filter(option -> !option.isEmpty()).toList());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), AgentTelemetry.class.getName(), "up", "--data-dir", dataDir.toString()));
        Path log = dataDir.resolve("up.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            Matcher ready = UpCommand.READY_LINE.matcher(Files.readString(log));
            if (ready.find()) {
                return new UpProcess(process, PipelineSettings.load(dataDir, null, Map.of()), ready.group(1));
            }
            if (!process.isAlive()) {
                throw new IOException("agent-telemetry up exited with " + process.exitValue() + "; its output:\n" + Files.readString(log));
            }
            Thread.sleep(200); // polling the child's log for its ready line
        }
        process.destroyForcibly();
        throw new IOException("agent-telemetry up was not ready within 3 minutes; its output:\n" + Files.readString(log));
    }

    PipelineSettings settings() {
        return settings;
    }

    String collectorUrl() {
        return collectorUrl;
    }

    String bootstrapServers() {
        return settings.bootstrapServersOrEmbedded();
    }

    String registryUrl() {
        return settings.schemaRegistryUrlOrEmbedded();
    }

    /** The JVM's resident memory now (VmRSS). */
    long residentBytes() throws IOException {
        return statusKilobytes("VmRSS:") * 1024;
    }

    /** The JVM's largest resident memory so far (VmHWM). */
    long peakResidentBytes() throws IOException {
        return statusKilobytes("VmHWM:") * 1024;
    }

    private long statusKilobytes(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException(field + " missing from /proc/" + process.pid() + "/status");
    }

    /** CPU time the JVM has used so far, all its threads; empty where the OS does not say. */
    OptionalDouble cpuSeconds() {
        return process.info().totalCpuDuration().map(cpu -> OptionalDouble.of(cpu.toNanos() / 1e9)).orElse(OptionalDouble.empty());
    }

    private static final Pattern COMPILE_TICKS = Pattern.compile("(?m)^java\\.ci\\.totalTime=(\\d+)$");
    private static final Pattern TICKS_PER_SECOND = Pattern.compile("(?m)^sun\\.os\\.hrt\\.frequency=(\\d+)$");

    /**
     * Seconds the JVM's JIT compiler has spent compiling so far, from its performance counters (read with the
     * {@code jcmd} next to this JVM's {@code java}); empty when they cannot be read.
     */
    OptionalDouble compileSeconds() throws InterruptedException {
        Path jcmd = ProcessHandle.current().info().command().map(java -> Path.of(java).resolveSibling("jcmd")).orElse(Path.of("jcmd"));
        try {
            Process counters = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "PerfCounter.print").redirectErrorStream(true).start();
            String printed = new String(counters.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!counters.waitFor(10, TimeUnit.SECONDS) || counters.exitValue() != 0) {
                return OptionalDouble.empty();
            }
            Matcher ticks = COMPILE_TICKS.matcher(printed);
            Matcher frequency = TICKS_PER_SECOND.matcher(printed);
            if (!ticks.find() || !frequency.find()) {
                return OptionalDouble.empty();
            }
            return OptionalDouble.of(Double.parseDouble(ticks.group(1)) / Double.parseDouble(frequency.group(1)));
        } catch (IOException e) {
            return OptionalDouble.empty(); // no jcmd: a JRE without the JDK's tools
        }
    }

    /** Stops it as Ctrl+C would, so it shuts down cleanly. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
