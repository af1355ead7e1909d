package dev.agenttelemetry.launcher.mask;

import dev.agenttelemetry.enricher.masking.Masker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code agent-telemetry mask}: the enricher's masker as a filter, for sharing logs. */
@Command(name = "mask", mixinStandardHelpOptions = true,
        description = {"Masks secrets and personal data from standard input.",
                "Masks secrets and personal data on standard input, line by line, to standard output, with the",
                "same masker the enricher applies to every event (e.g. sk-ant-... becomes [MASKED:anthropic_api_key])."},
        footer = {"", "Examples:", "  agent-telemetry mask < session.log > session.masked.log",
                "  kubectl logs my-pod | agent-telemetry mask --disable email,home_dir"})
public final class MaskCommand implements Callable<Integer> {
    @Option(names = "--disable", split = ",", paramLabel = "KIND", description = "Rule kinds to switch off, e.g. email,phone,home_dir.")
    List<String> disabled = List.of();

    @Option(names = "--field", split = ",", paramLabel = "NAME", hidden = true)
    List<String> fields = List.of();

    @Override
    public Integer call() throws Exception {
        Masker masker = Masker.create(new Masker.Settings(Set.copyOf(disabled), Map.of(), new HashSet<>(fields)));
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(masker.mask(line).text());
            }
        }
        out.flush();
        return 0;
    }
}
