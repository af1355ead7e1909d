package dev.agenttelemetry.launcher;

import dev.agenttelemetry.testkit.ChildJvm;
import dev.agenttelemetry.kafka.FreePorts;
import dev.agenttelemetry.testkit.TestKafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/** A broker in a JVM of its own ({@code agent-telemetry broker}), for drills that kill it and start it again on its data. */
record KillableBroker(Path dataDir, int port) {

    /** A fresh data directory and free ports; nothing runs yet. */
    static KillableBroker prepare(String workDirPrefix) throws IOException {
        KillableBroker broker = new KillableBroker(TestKafka.workDir(workDirPrefix), FreePorts.loopback());
        Files.writeString(broker.dataDir.resolve(PipelineSettings.CONFIG_FILE_NAME), "broker.controller.port=" + FreePorts.loopback() + "\n");
        return broker;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Starts the broker on its data directory and port; it is ready when this returns. */
    Process start() throws IOException {
        Process broker = ChildProcesses.start("broker", "--data-dir", dataDir.toString(), "--port", Integer.toString(port));
        ChildJvm.awaitLine(broker, Pattern.compile("^(Ready): "), Duration.ofSeconds(90));
        return broker;
    }
}
