package dev.agenttelemetry.launcher;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code agent-telemetry} command in this JVM and captures what it printed. */
public final class Cli {
    private Cli() {
    }

    /** A finished run: its exit code, standard output and standard error. */
    public record Run(int exitCode, String out, String err) {
    }

    /** The arguments, then more: {@code run(with(args, "--bootstrap-servers", kafka))}. */
    public static String[] with(String[] args, String... more) {
        String[] all = new String[args.length + more.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    public static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = AgentTelemetry.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exitCode = cli.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }
}
