package dev.agenttelemetry.benchmarks;

import dev.agenttelemetry.enricher.masking.Masker;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Secret-kind masks on source code: SDKs of the providers whose keys the masker knows are full of key-like names
 * ({@code apiKey}, {@code token_currency}, {@code x-amz-...-key-MD5}) next to code, ids and documentation, and of
 * no live credential, so nearly every secret-kind mask there replaced something that is none. Each directory under
 * the given one is a package; packages are split in halves by name, as the corpora are.
 */
final class SourceCode {
    private static final Set<String> SOURCE_SUFFIXES = Set.of(".js", ".mjs", ".cjs", ".ts", ".mts", ".md", ".json", ".py", ".go", ".java",
            ".rb", ".rs", ".php", ".yaml", ".yml", ".toml", ".sh");
    /** Per package, at most this much text, so that one large SDK does not stand for all. */
    private static final long MAX_CHARS_PER_PACKAGE = 1_500_000;
    private static final int MAX_LINE_CHARS = 2_000; // minified bundles are no code a person or an agent reads

    private final Masker masker;

    SourceCode(Masker masker) {
        this.masker = masker;
    }

    private static final class Tally {
        long chars;
        int packages;
        int secretMasks;
        final Map<String, Integer> byKind = new TreeMap<>();
        final List<String> sample = new ArrayList<>();
    }

    void measure(Path root, PrintStream out, int showMasks) throws IOException {
        Map<Half, Tally> tallies = new EnumMap<>(Half.class);
        List<Path> packages;
        try (Stream<Path> children = Files.list(root)) {
            packages = children.filter(Files::isDirectory).sorted().toList();
        }
        for (Path pkg : packages) {
            String name = pkg.getFileName().toString();
            Tally tally = tallies.computeIfAbsent(Half.of(name), h -> new Tally());
            tally.packages++;
            long budget = MAX_CHARS_PER_PACKAGE;
            for (Path file : sourceFiles(pkg)) {
                String text;
                try {
                    text = Files.readString(file, StandardCharsets.UTF_8);
                } catch (CharacterCodingException e) {
                    continue; // not text
                }
                if (text.length() > budget) {
                    continue;
                }
                budget -= text.length();
                for (String line : text.split("\n")) {
                    if (line.length() > MAX_LINE_CHARS) {
                        continue;
                    }
                    tally.chars += line.length() + 1;
                    masker.mask(line, Set.of(), replaced -> {
                        if (!RealPayloads.PERSONAL_KINDS.contains(replaced.kind())) {
                            tally.secretMasks++;
                            tally.byKind.merge(replaced.kind(), 1, Integer::sum);
                            if (tally.sample.size() < showMasks) {
                                tally.sample.add(String.format("%-14s %s: ...%s[%s]", replaced.kind(), root.relativize(file),
                                        tail(replaced.before(), 50), replaced.original()));
                            }
                        }
                    });
                }
            }
        }
        out.println("Source code (" + root.toAbsolutePath() + "), packages split in two by name: secret-kind masks, where nearly every one "
                + "replaced code, an id or documentation:");
        for (Half half : Half.values()) {
            Tally t = tallies.getOrDefault(half, new Tally());
            out.printf("  %-9s %d packages, %.1f MB of text; secret-kind masks %d (%.1f per MB) %s%n", half.label, t.packages, t.chars / 1e6,
                    t.secretMasks, t.chars == 0 ? 0 : t.secretMasks / (t.chars / 1e6), t.byKind);
        }
        Tally tuning = tallies.get(Half.TUNING);
        if (showMasks > 0 && tuning != null) {
            out.println("  sample of secret-kind masks, " + Half.TUNING.label + " half (kind, file, text before it, [what was masked]):");
            tuning.sample.forEach(s -> out.println("    " + s.replace("\n", "\\n")));
        }
    }

    private static List<Path> sourceFiles(Path pkg) throws IOException {
        try (Stream<Path> files = Files.walk(pkg)) {
            return files.filter(Files::isRegularFile).filter(SourceCode::isSource).sorted().toList();
        }
    }

    private static boolean isSource(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".min.js")) {
            return false;
        }
        int dot = name.lastIndexOf('.');
        return dot > 0 && SOURCE_SUFFIXES.contains(name.substring(dot));
    }

    private static String tail(String text, int chars) {
        return text == null ? "" : text.substring(Math.max(0, text.length() - chars));
    }
}
