package dev.agenttelemetry.analytics.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The rules in force: the shipped defaults, or a user's rule file. */
public record RuleBook(String source, List<RuleDefinition> rules) {
    static final String DEFAULTS = "default-rules.yaml";

    public static RuleBook defaults() {
        try (InputStream in = RuleBook.class.getResourceAsStream(DEFAULTS)) {
            return RuleFileReader.read("built-in " + DEFAULTS, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuleFileException e) {
            throw new IllegalStateException("the shipped rules are invalid: " + e.getMessage(), e);
        }
    }

    /** The shipped rules file's text, for users to copy and edit. */
    public static String defaultsText() {
        try (InputStream in = RuleBook.class.getResourceAsStream(DEFAULTS)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RuleBook load(Path file) throws IOException, RuleFileException {
        return parse(file.toString(), Files.readString(file));
    }

    /** @param source where the text came from, for messages */
    public static RuleBook parse(String source, String yaml) throws RuleFileException {
        return RuleFileReader.read(source, yaml);
    }

    /** The defaults, or the given file when there is one. */
    public static RuleBook loadOrDefaults(Optional<Path> file) throws IOException, RuleFileException {
        return file.isPresent() ? load(file.get()) : defaults();
    }

    /** Event rules that match the event, each once, strongest match first within a rule. */
    public List<Violation> evaluate(EventView view) {
        List<Violation> violations = new ArrayList<>();
        for (RuleDefinition rule : rules) {
            rule.match(view).ifPresent(violations::add);
        }
        return violations;
    }
}
