package dev.agenttelemetry.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agenttelemetry.enricher.masking.Masker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code agent-telemetry bench masking}: how well the masker does on external corpora (gitleaks' secrets and
 * look-alikes, tldr's everyday commands), and how fast it is.
 */
@Command(name = "masking", mixinStandardHelpOptions = true,
        description = {"Measures the masker on the labelled corpora: recall on real secrets, the share of look-alikes and",
                "of everyday commands it changes, and its speed on median-size payloads."},
        footer = {"", "Example:", "  agent-telemetry bench masking --corpora path/to/corpora"})
public final class MaskingMeasurement implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The secret in a corpus line (the corpus does not mark it): its longest token with letters and digits, else
     * its most random one; separators such as = and : end a token, and URLs, paths, domains and identifiers are not secrets.
     */
    private static final Pattern TOKEN = Pattern.compile("(?<!\\\\)[A-Za-z0-9_\\-+/.~]{8,}"); // not from the letter of an escape such as \n

    @Option(names = "--corpora", paramLabel = "DIR", defaultValue = "${env:AGENT_TELEMETRY_CORPORA:-corpora}",
            description = "Directory with secrets.jsonl and benign-commands.jsonl (default: $AGENT_TELEMETRY_CORPORA, else ./corpora).")
    Path corpora;

    @Option(names = "--code", paramLabel = "DIR",
            description = {"Also mask source code: each directory under DIR is a package (e.g. providers' SDKs unpacked from `npm pack`),",
                    "split in halves by its name; prints the secret-kind masks per MB, where nearly every one hit code, an id or docs."})
    Path code;

    @Option(names = "--show-misses", paramLabel = "N", defaultValue = "0", description = "Print up to N missed secret rules with an example each, and up to N changed look-alikes.")
    int showMisses;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Path secretsFile = corpora.resolve("secrets.jsonl");
        Path benignFile = corpora.resolve("benign-commands.jsonl");
        Path hooksFile = corpora.resolve("real-hooks.jsonl");
        if (code != null && !Files.isDirectory(code)) {
            spec.commandLine().getErr().println("error: --code " + code.toAbsolutePath() + " is not a directory");
            return 2;
        }
        if (!Files.isRegularFile(secretsFile) || !Files.isRegularFile(benignFile)) {
            spec.commandLine().getErr().println("error: no secrets.jsonl and benign-commands.jsonl in " + corpora.toAbsolutePath() + " (use --corpora DIR)");
            return 2;
        }
        Masker masker = Masker.withDefaultRules();
        Map<Half, SecretScore> scores = new EnumMap<>(Half.class);
        Map<String, Integer> missedByRule = new TreeMap<>();
        Map<String, String> missedExample = new TreeMap<>();
        List<String> changedLookAlikes = new ArrayList<>();
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(secretsFile, StandardCharsets.UTF_8)) {
            rows.add(JSON.readTree(line));
        }
        Set<String> textsLabelledSecret = new HashSet<>();
        rows.stream().filter(row -> row.path("is_secret").asBoolean()).forEach(row -> textsLabelledSecret.add(row.path("text").asText().strip()));
        int contradictedChanged = 0;
        for (JsonNode row : rows) {
            String text = row.path("text").asText();
            String rule = row.path("rule_id").asText();
            Half half = Half.of(family(rule));
            SecretScore score = scores.computeIfAbsent(half, h -> new SecretScore());
            String masked = masker.mask(text).text();
            if (row.path("is_secret").asBoolean()) {
                boolean gone = secretOf(text).map(secret -> !masked.contains(secret)).orElse(!masked.equals(text));
                score.secret(gone, row.path("generated").asBoolean());
                if (!gone && half == Half.TUNING) {
                    missedByRule.merge(rule, 1, Integer::sum);
                    missedExample.putIfAbsent(rule, text);
                }
            } else {
                boolean changed = !masked.equals(text);
                score.lookAlike(changed);
                contradictedChanged += changed && textsLabelledSecret.contains(text.strip()) ? 1 : 0;
                if (changed && half == Half.TUNING) {
                    changedLookAlikes.add(rule + "  " + masked.replace("\n", "\\n"));
                }
            }
        }
        Masker withoutPersonalData = Masker.create(new Masker.Settings(Set.of("email", "home_dir"), Map.of(), Set.of()));
        int commands = 0;
        int commandsChanged = 0;
        List<String> changedExamples = new ArrayList<>();
        for (String line : Files.readAllLines(benignFile, StandardCharsets.UTF_8)) {
            String command = JSON.readTree(line).path("text").asText();
            commands++;
            String masked = withoutPersonalData.mask(command).text();
            if (!masked.equals(command)) {
                commandsChanged++;
                if (changedExamples.size() < 5) {
                    changedExamples.add(masked);
                }
            }
        }
        out.println("Secrets (gitleaks test cases), rule families split in two by name (" + Half.TUNING.label + " / " + Half.HELD_OUT.label + "):");
        SecretScore all = new SecretScore();
        for (Half half : Half.values()) {
            SecretScore score = scores.getOrDefault(half, new SecretScore());
            score.print(out, "  " + half.label);
            all.add(score);
        }
        all.print(out, "  all");
        out.println("  (targets: literal recall >= 99 %, recall >= 99.5 %, look-alikes changed <= 10 %)");
        out.printf("  of the look-alikes changed, %d have a text the corpus also labels a secret%n", contradictedChanged);
        out.printf("Everyday commands (tldr) changed for anything but an email or a home path: %d of %d = %.2f %% (target <= 1 %%)%n",
                commandsChanged, commands, 100.0 * commandsChanged / commands);
        changedExamples.forEach(e -> out.println("  changed: " + e));
        if (Files.isRegularFile(hooksFile)) {
            new RealPayloads(masker).measure(hooksFile, out, showMisses);
            PlantedSecrets.measure(secretsFile, hooksFile, masker, out);
        } else {
            out.println("Real hook payloads: no real-hooks.jsonl in " + corpora.toAbsolutePath() + ", skipped");
        }
        if (code != null) {
            new SourceCode(masker).measure(code, out, showMisses);
        }
        out.printf("Masker speed: %,.0f median-size (2 KB) payloads/s on one thread%n", speed(masker));
        if (showMisses > 0) {
            out.println("Missed in the " + Half.TUNING.label + " half, by rule:");
            missedByRule.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(showMisses)
                    .forEach(e -> out.println("  " + e.getValue() + "  " + e.getKey() + "  e.g. " + missedExample.get(e.getKey()).replace("\n", "\\n")));
            out.println("Look-alikes changed in the " + Half.TUNING.label + " half (rule the corpus names, then the masked text):");
            changedLookAlikes.stream().sorted().limit(showMisses).forEach(c -> out.println("  " + c));
        }
        return 0;
    }

    /** A gitleaks rule's family: its provider, the rule id's first word ({@code gitlab-pat} -> {@code gitlab}). */
    static String family(String ruleId) {
        int dash = ruleId.indexOf('-');
        return dash < 0 ? ruleId : ruleId.substring(0, dash);
    }

    /** Recall and look-alikes changed, on one half of the secrets corpus. */
    private static final class SecretScore {
        int secrets;
        int masked;
        int literal;
        int literalMasked;
        int lookAlikes;
        int lookAlikesChanged;

        void secret(boolean gone, boolean generated) {
            secrets++;
            masked += gone ? 1 : 0;
            if (!generated) {
                literal++;
                literalMasked += gone ? 1 : 0;
            }
        }

        void lookAlike(boolean changed) {
            lookAlikes++;
            lookAlikesChanged += changed ? 1 : 0;
        }

        void add(SecretScore other) {
            secrets += other.secrets;
            masked += other.masked;
            literal += other.literal;
            literalMasked += other.literalMasked;
            lookAlikes += other.lookAlikes;
            lookAlikesChanged += other.lookAlikesChanged;
        }

        void print(PrintStream out, String label) {
            out.printf("%-12s literal recall %d/%d = %.1f %%, recall %d/%d = %.1f %%, look-alikes changed %d/%d = %.1f %%%n", label,
                    literalMasked, literal, percent(literalMasked, literal), masked, secrets, percent(masked, secrets),
                    lookAlikesChanged, lookAlikes, percent(lookAlikesChanged, lookAlikes));
        }
    }

    static double percent(int part, int whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }

    static java.util.Optional<String> secretOf(String text) {
        Matcher m = TOKEN.matcher(text);
        String best = null;
        String longest = null;
        while (m.find()) {
            String token = m.group();
            if (token.startsWith("//") || token.matches("(?:[\\w.\\-]*/)+[\\w.\\-]*") && token.matches(".*/[a-z]{4,}.*")
                    || token.matches("(?:[a-z0-9\\-]+\\.)+[a-z]{2,6}")
                    || token.matches("[A-Za-z][a-z]+(?:[_\\-.]?[A-Za-z][a-z]+)*|[A-Z]+(?:_+[A-Z]+)*|[a-z]+(?:_[a-z]+)+|[a-z]+(?:_[A-Z]+)+")) {
                continue; // URLs, paths, domains and identifiers (key names) are not the secret
            }
            boolean mixed = token.chars().anyMatch(Character::isDigit) && token.chars().anyMatch(Character::isLetter);
            if (mixed && (best == null || token.length() > best.length())) {
                best = token;
            }
            if (longest == null || entropy(token) * Math.sqrt(token.length()) > entropy(longest) * Math.sqrt(longest.length())) {
                longest = token;
            }
        }
        return java.util.Optional.ofNullable(best != null ? best : longest);
    }

    private static double entropy(String text) {
        Map<Integer, Long> counts = text.chars().boxed().collect(java.util.stream.Collectors.groupingBy(c -> c, java.util.stream.Collectors.counting()));
        return counts.values().stream().mapToDouble(c -> (double) c / text.length()).map(p -> -p * Math.log(p) / Math.log(2)).sum();
    }

    /** A realistic hook payload of median size, masked repeatedly: payloads per second. */
    private static double speed(Masker masker) {
        List<byte[]> payloads = Payloads.generate(500, 20, 7);
        payloads.sort(Comparator.comparingInt(p -> Math.abs(p.length - 2048)));
        List<String> median = payloads.subList(0, 100).stream().map(p -> new String(p, StandardCharsets.UTF_8)).toList();
        for (int i = 0; i < 3_000; i++) {
            masker.mask(median.get(i % median.size()));
        }
        long start = System.nanoTime();
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            masker.mask(median.get(i % median.size()));
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }
}
