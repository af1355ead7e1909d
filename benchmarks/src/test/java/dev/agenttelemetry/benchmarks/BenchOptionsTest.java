package dev.agenttelemetry.benchmarks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** Benchmark options that cannot work are refused before anything starts, with the option named; help reads as paragraphs. */
class BenchOptionsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "enricher --rounds 0 | --rounds must be at least 1",
            "analytics --rounds -1 | --rounds must be at least 1",
            "collector --warmup -1 | --warmup must be 0 or more",
            "collector --connections 0 | --connections at least 1",
            "pipeline --warmup -5 | --warmup must be 0 or more",
            "masking --code no-such-directory | is not a directory",
            "masking --corpora no-such-directory | no secrets.jsonl and benign-commands.jsonl in"})
    void refusesOptionsThatCannotWork(String arguments, String message) {
        StringWriter err = new StringWriter();
        CommandLine bench = BenchCommand.commandLine();
        bench.setErr(new PrintWriter(err));

        assertThat(bench.execute(arguments.split(" "))).isEqualTo(2);
        assertThat(err.toString()).contains(message);
    }

    @Test
    void helpJoinsSourceLinesIntoParagraphs() {
        StringWriter out = new StringWriter();
        CommandLine bench = BenchCommand.commandLine();
        bench.setOut(new PrintWriter(out));

        assertThat(bench.execute("collector", "--help")).isZero();
        assertThat(out.toString().replaceAll("\\s+", " "))
                .contains("Usage: agent-telemetry bench collector")
                .contains("latency at a fixed rate and throughput at saturation, side by side with the same producer")
                .contains("load in 10 s slices until the JIT compiler takes under a tenth of a core");
    }
}
