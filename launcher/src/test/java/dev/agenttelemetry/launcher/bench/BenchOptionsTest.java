package dev.agenttelemetry.launcher.bench;

import dev.agenttelemetry.launcher.Cli;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Benchmark options that cannot work are refused before anything starts, with the option named. */
class BenchOptionsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "enricher --rounds 0 | --rounds must be at least 1",
            "analytics --rounds -1 | --rounds must be at least 1",
            "collector --warmup -1 | --warmup must be 0 or more",
            "collector --connections 0 | --connections at least 1",
            "pipeline --warmup -5 | --warmup must be 0 or more"})
    void refusesOptionsThatCannotWork(String arguments, String message) {
        Cli.Run run = Cli.run(("bench " + arguments).split(" "));
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(message);
    }
}
