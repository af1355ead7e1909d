package dev.agenttelemetry.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A main class in a JVM of its own, for tests that stop or kill it. */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** Starts the main method of a class on the test class path, its error output merged into its output. */
    public static Process startMain(Class<?> main, String... args) throws IOException {
        return startMain(List.of(), main, args);
    }

    /** As {@link #startMain(Class, String...)}, with JVM options (a heap bound, say). */
    public static Process startMain(List<String> jvmOptions, Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.agenttelemetry"));
        command.addAll(jvmOptions);
        command.add(main.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /**
     * Reads the child's output until a line matches, and returns the pattern's first group (or the whole match); the
     * rest of the output is drained in the background so the child never blocks on a full pipe.
     */
    public static String awaitLine(Process child, Pattern pattern, Duration timeout) throws IOException {
        BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        Instant deadline = Instant.now().plus(timeout);
        StringBuilder seen = new StringBuilder();
        String line;
        while (Instant.now().isBefore(deadline) && (line = output.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher matcher = pattern.matcher(line);
            if (matcher.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        output.transferTo(Writer.nullWriter());
                    } catch (IOException ignored) {
                        // the child is gone
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return matcher.groupCount() > 0 ? matcher.group(1) : matcher.group();
            }
        }
        throw new AssertionError("the child process printed no line matching " + pattern + ":\n" + seen);
    }
}
