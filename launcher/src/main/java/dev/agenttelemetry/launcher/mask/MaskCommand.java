package dev.agenttelemetry.launcher.mask;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.enricher.HookEventEnricher;
import dev.agenttelemetry.enricher.masking.Masker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
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
                "same masker the enricher applies to every event (e.g. sk-ant-... becomes [MASKED:anthropic_api_key]).",
                "A line that is a hook payload keeps its own session and tool use ids, as events do."},
        footer = {"", "Examples:", "  agent-telemetry mask < session.log > session.masked.log",
                "  kubectl logs my-pod | agent-telemetry mask --disable email,home_dir"})
public final class MaskCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--disable", split = ",", paramLabel = "KIND", description = "Rule kinds to switch off, e.g. email,phone,home_dir.")
    List<String> disabled = List.of();

    @Option(names = "--field", split = ",", paramLabel = "NAME", hidden = true)
    List<String> fields = List.of();

    /** A hook payload's own ids (session, tool use...), left in clear as the enricher leaves them; none for other lines. */
    private static Set<String> ownIds(String line) {
        if (!line.startsWith("{")) {
            return Set.of();
        }
        try {
            return HookEventEnricher.ownIds(JSON.readTree(line), null);
        } catch (IOException e) {
            return Set.of(); // not JSON: masked as text
        }
    }

    @Override
    public Integer call() throws Exception {
        Masker masker = Masker.create(new Masker.Settings(Set.copyOf(disabled), Map.of(), new HashSet<>(fields)));
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(masker.mask(line, ownIds(line), null).text());
            }
        }
        out.flush();
        return 0;
    }
}
