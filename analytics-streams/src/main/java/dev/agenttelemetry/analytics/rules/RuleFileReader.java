package dev.agenttelemetry.analytics.rules;

import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.avro.PathClass;
import dev.agenttelemetry.avro.Severity;
import dev.agenttelemetry.config.Durations;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Reads a rule file, collecting every problem with its line number instead of stopping at the first, so
 * {@code agent-telemetry rules validate} can list them all. Unknown keys are errors: a typo must not
 * silently disable a condition.
 */
final class RuleFileReader {
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Set<String> TOP = Set.of("version", "rules");
    private static final Set<String> RULE = Set.of("id", "title", "category", "severity", "description", "kind", "hook_events",
            "match", "threshold", "window", "suppress", "min_severity", "baseline");
    private static final Set<String> MATCH = Set.of("event_types", "tools", "paths", "path_classes", "command", "url", "severity");
    private static final Set<String> COMMAND = Set.of("program", "subcommand", "flags", "args", "target", "args_regex", "redirects",
            "assignments", "remote", "piped", "under");
    private static final Set<String> URL = Set.of("hosts", "ip_literal");
    private static final Set<String> BASELINE = Set.of("factor", "min_sessions", "floor");
    private static final Duration DEFAULT_SUPPRESS = Duration.ofMinutes(10);

    private final List<String> problems = new ArrayList<>();

    private RuleFileReader() {
    }

    static RuleBook read(String source, String text) throws RuleFileException {
        RuleFileReader reader = new RuleFileReader();
        List<RuleDefinition> rules = reader.rules(text);
        if (!reader.problems.isEmpty()) {
            throw new RuleFileException(source, reader.problems);
        }
        return new RuleBook(source, rules);
    }

    private List<RuleDefinition> rules(String text) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            problems.add("line " + (e.getProblemMark().getLine() + 1) + ": not valid YAML: " + e.getProblem());
            return List.of();
        } catch (YAMLException e) {
            problems.add("not valid YAML: " + e.getMessage());
            return List.of();
        }
        if (root == null) {
            problems.add("line 1: the file is empty; expected 'rules:' with a list of rules");
            return List.of();
        }
        Map<String, Node> top = fields(root, "the file", TOP);
        if (top == null) {
            return List.of();
        }
        if (top.containsKey("version") && !"1".equals(scalar(top.get("version"), "version"))) {
            error(top.get("version"), "version: only version 1 is known");
        }
        Node list = top.get("rules");
        if (list == null) {
            error(root, "'rules' is missing: expected a list of rules");
            return List.of();
        }
        if (!(list instanceof SequenceNode sequence)) {
            error(list, "rules: expected a list of rules");
            return List.of();
        }
        List<RuleDefinition> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Node node : sequence.getValue()) {
            RuleDefinition rule = rule(node);
            if (rule != null) {
                if (!ids.add(rule.id())) {
                    error(node, "rule '" + rule.id() + "': the id is used by an earlier rule");
                }
                rules.add(rule);
            }
        }
        return rules;
    }

    private RuleDefinition rule(Node node) {
        Map<String, Node> f = fields(node, "a rule", RULE);
        if (f == null) {
            return null;
        }
        int before = problems.size();
        String id = required(f, node, "id", "rule");
        String where = "rule '" + (id == null ? "?" : id) + "'";
        if (id != null && !ID.matcher(id).matches()) {
            error(f.get("id"), where + ": id must be lower case letters, digits and '_', starting with a letter");
        }
        String title = required(f, node, "title", where);
        Severity severity = f.containsKey("severity") ? severity(f.get("severity"), where + ".severity") : null;
        if (!f.containsKey("severity")) {
            error(node, where + ": 'severity' is missing (low, medium, high or critical)");
        }
        RuleDefinition.Kind kind = f.containsKey("kind") ? oneOf(f.get("kind"), where + ".kind",
                name -> RuleDefinition.Kind.valueOf(name.toUpperCase(Locale.ROOT)), "event, repeated_violations, high_frequency")
                : RuleDefinition.Kind.EVENT;
        Set<String> hookEvents = f.containsKey("hook_events") ? new LinkedHashSet<>(strings(f.get("hook_events"), where + ".hook_events"))
                : Set.of("PreToolUse");
        int threshold = f.containsKey("threshold") ? positive(f.get("threshold"), where + ".threshold") : 1;
        Duration window = f.containsKey("window") ? duration(f.get("window"), where + ".window") : null;
        Duration suppress = f.containsKey("suppress") ? duration(f.get("suppress"), where + ".suppress") : DEFAULT_SUPPRESS;
        Severity minSeverity = f.containsKey("min_severity") ? severity(f.get("min_severity"), where + ".min_severity") : Severity.medium;
        List<Matcher> matchers = new ArrayList<>();
        if (f.containsKey("match")) {
            if (f.get("match") instanceof SequenceNode alternatives) {
                for (Node alternative : alternatives.getValue()) {
                    Matcher matcher = matcher(alternative, where + ".match");
                    if (matcher != null) {
                        matchers.add(matcher);
                    }
                }
            } else {
                error(f.get("match"), where + ".match: expected a list of alternatives (each starting with '-')");
            }
        }
        RuleDefinition.Baseline baseline = f.containsKey("baseline") ? baseline(f.get("baseline"), where + ".baseline") : null;
        if (kind == RuleDefinition.Kind.EVENT && matchers.isEmpty() && !f.containsKey("match")) {
            error(node, where + ": an event rule needs 'match' with at least one alternative");
        }
        if (kind != RuleDefinition.Kind.EVENT && f.containsKey("match")) {
            error(f.get("match"), where + ": 'match' is for event rules; a " + kind.name().toLowerCase(Locale.ROOT) + " rule counts on its own");
        }
        if ((threshold > 1 || kind != RuleDefinition.Kind.EVENT) && window == null && !f.containsKey("window")) {
            error(node, where + ": 'window' is needed with a threshold (e.g. window: 5m)");
        }
        if (baseline != null && kind != RuleDefinition.Kind.HIGH_FREQUENCY) {
            error(f.get("baseline"), where + ": 'baseline' applies to high_frequency rules only");
        }
        if (problems.size() > before) {
            return null;
        }
        return new RuleDefinition(id, title, f.containsKey("category") ? scalar(f.get("category"), where + ".category") : id,
                severity, f.containsKey("description") ? scalar(f.get("description"), where + ".description").strip() : "",
                kind, hookEvents, matchers, threshold, window == null ? Duration.ZERO : window, suppress, minSeverity, baseline,
                node.getStartMark().getLine() + 1, MatcherIndex.of(matchers));
    }

    private Matcher matcher(Node node, String where) {
        Map<String, Node> f = fields(node, where + " alternative", MATCH);
        if (f == null) {
            return null;
        }
        if (f.isEmpty() || (f.size() == 1 && f.containsKey("severity"))) {
            error(node, where + ": an alternative needs at least one condition");
            return null;
        }
        Set<EventType> eventTypes = f.containsKey("event_types")
                ? enums(f.get("event_types"), where + ".event_types", EventType::valueOf, EventType.values()) : Set.of();
        Set<PathClass> pathClasses = f.containsKey("path_classes")
                ? enums(f.get("path_classes"), where + ".path_classes", PathClass::valueOf, PathClass.values()) : Set.of();
        return new Matcher(eventTypes, globs(f.get("tools"), where + ".tools"), globs(f.get("paths"), where + ".paths"), pathClasses,
                f.containsKey("command") ? command(f.get("command"), where + ".command") : null,
                f.containsKey("url") ? url(f.get("url"), where + ".url") : null,
                f.containsKey("severity") ? severity(f.get("severity"), where + ".severity") : null);
    }

    private CommandPredicate command(Node node, String where) {
        Map<String, Node> f = fields(node, where, COMMAND);
        if (f == null) {
            return null;
        }
        List<Set<String>> flags = new ArrayList<>();
        if (f.containsKey("flags")) {
            for (String group : strings(f.get("flags"), where + ".flags")) {
                flags.add(new LinkedHashSet<>(Arrays.asList(group.split("\\|"))));
            }
        }
        List<CommandPredicate.Assignment> assignments = new ArrayList<>();
        if (f.containsKey("assignments")) {
            for (String assignment : strings(f.get("assignments"), where + ".assignments")) {
                int eq = assignment.indexOf('=');
                assignments.add(eq < 0 ? new CommandPredicate.Assignment(assignment, null)
                        : new CommandPredicate.Assignment(assignment.substring(0, eq), Globs.of(List.of(assignment.substring(eq + 1)))));
            }
        }
        Pattern regex = null;
        if (f.containsKey("args_regex")) {
            try {
                regex = Pattern.compile(scalar(f.get("args_regex"), where + ".args_regex"));
            } catch (PatternSyntaxException e) {
                error(f.get("args_regex"), where + ".args_regex: not a valid regular expression: " + e.getDescription());
            }
        }
        return new CommandPredicate(globs(f.get("program"), where + ".program"),
                f.containsKey("subcommand") ? new LinkedHashSet<>(strings(f.get("subcommand"), where + ".subcommand")) : Set.of(),
                flags, globs(f.get("args"), where + ".args"), globs(f.get("target"), where + ".target"), regex, globs(f.get("redirects"), where + ".redirects"), assignments,
                f.containsKey("remote") && bool(f.get("remote"), where + ".remote"),
                f.containsKey("piped") && bool(f.get("piped"), where + ".piped"),
                f.containsKey("under") ? new LinkedHashSet<>(strings(f.get("under"), where + ".under")) : Set.of());
    }

    private UrlPredicate url(Node node, String where) {
        Map<String, Node> f = fields(node, where, URL);
        if (f == null) {
            return null;
        }
        return new UrlPredicate(f.containsKey("hosts") ? strings(f.get("hosts"), where + ".hosts").stream()
                .map(host -> host.toLowerCase(Locale.ROOT)).toList() : List.of(),
                f.containsKey("ip_literal") && bool(f.get("ip_literal"), where + ".ip_literal"));
    }

    private RuleDefinition.Baseline baseline(Node node, String where) {
        Map<String, Node> f = fields(node, where, BASELINE);
        if (f == null) {
            return null;
        }
        double factor = 3;
        if (f.containsKey("factor")) {
            String text = scalar(f.get("factor"), where + ".factor");
            try {
                factor = Double.parseDouble(text);
                if (factor <= 1) {
                    error(f.get("factor"), where + ".factor: must be above 1 (a multiple of the user's norm), got " + text);
                }
            } catch (NumberFormatException e) {
                error(f.get("factor"), where + ".factor: expected a number such as 3, got '" + text + "'");
            }
        }
        return new RuleDefinition.Baseline(factor, f.containsKey("min_sessions") ? positive(f.get("min_sessions"), where + ".min_sessions") : 5,
                f.containsKey("floor") ? positive(f.get("floor"), where + ".floor") : 60);
    }

    // --- typed access, each failure recorded with its line ---

    private Map<String, Node> fields(Node node, String what, Set<String> allowed) {
        if (!(node instanceof MappingNode mapping)) {
            error(node, what + ": expected a mapping of 'key: value'");
            return null;
        }
        Map<String, Node> fields = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String key = tuple.getKeyNode() instanceof ScalarNode scalar ? scalar.getValue() : String.valueOf(tuple.getKeyNode());
            if (!allowed.contains(key)) {
                error(tuple.getKeyNode(), what + ": unknown key '" + key + "' (known: " + allowed.stream().sorted().collect(Collectors.joining(", ")) + ")");
            } else if (fields.put(key, tuple.getValueNode()) != null) {
                error(tuple.getKeyNode(), what + ": '" + key + "' is given twice");
            }
        }
        return fields;
    }

    private String required(Map<String, Node> fields, Node owner, String key, String where) {
        if (!fields.containsKey(key)) {
            error(owner, where + ": '" + key + "' is missing");
            return null;
        }
        String value = scalar(fields.get(key), where + "." + key);
        if (value != null && value.isBlank()) {
            error(fields.get(key), where + "." + key + ": must not be empty");
        }
        return value;
    }

    private String scalar(Node node, String where) {
        if (node instanceof ScalarNode scalar) {
            return scalar.getValue();
        }
        error(node, where + ": expected a single value");
        return null;
    }

    /** A single value or a list of values. */
    private List<String> strings(Node node, String where) {
        if (node instanceof ScalarNode scalar) {
            return List.of(scalar.getValue());
        }
        if (node instanceof SequenceNode sequence) {
            List<String> values = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                String value = scalar(item, where);
                if (value != null) {
                    values.add(value);
                }
            }
            return values;
        }
        error(node, where + ": expected a value or a list of values");
        return List.of();
    }

    private Globs globs(Node node, String where) {
        return node == null ? Globs.NONE : Globs.of(strings(node, where));
    }

    private Severity severity(Node node, String where) {
        return oneOf(node, where, Severity::valueOf, "low, medium, high, critical");
    }

    private <T> T oneOf(Node node, String where, Function<String, T> parse, String known) {
        String value = scalar(node, where);
        if (value == null) {
            return null;
        }
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            error(node, where + ": '" + value + "' is not one of " + known);
            return null;
        }
    }

    private <E extends Enum<E>> Set<E> enums(Node node, String where, Function<String, E> parse, E[] values) {
        String known = Arrays.stream(values).map(Enum::name).collect(Collectors.joining(", "));
        Set<E> result = new LinkedHashSet<>();
        for (String value : strings(node, where)) {
            try {
                result.add(parse.apply(value));
            } catch (IllegalArgumentException e) {
                error(node, where + ": '" + value + "' is not one of " + known);
            }
        }
        return result;
    }

    private int positive(Node node, String where) {
        String value = scalar(node, where);
        try {
            int number = Integer.parseInt(String.valueOf(value).trim());
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        error(node, where + ": expected a whole number of at least 1, got '" + value + "'");
        return 1;
    }

    private boolean bool(Node node, String where) {
        String value = scalar(node, where);
        if ("true".equals(value) || "false".equals(value)) {
            return Boolean.parseBoolean(value);
        }
        error(node, where + ": expected true or false, got '" + value + "'");
        return false;
    }

    private Duration duration(Node node, String where) {
        String value = scalar(node, where);
        Optional<Duration> duration = Durations.parse(value);
        if (duration.isEmpty()) {
            error(node, where + ": expected a duration such as 500ms, 30s, 5m, 1h or 1d, got '" + value + "'");
        }
        return duration.orElse(Duration.ZERO);
    }

    private void error(Node node, String message) {
        problems.add("line " + (node == null ? "?" : String.valueOf(node.getStartMark().getLine() + 1)) + ": " + message);
    }
}
