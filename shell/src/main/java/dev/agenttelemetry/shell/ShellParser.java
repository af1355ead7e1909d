package dev.agenttelemetry.shell;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a shell command line into the simple commands it would run, the way a POSIX shell reads it:
 * lists split on {@code ;}, {@code &&}, {@code ||}, {@code |}, {@code &} and newlines; subshells and
 * groups; quotes and escapes removed from words; redirections taken out of the words; here-document
 * bodies kept as data, except when fed to a shell or an interpreter; and the commands hidden inside other
 * commands parsed too: {@code $(...)}, backticks, {@code <(...)}, {@code bash -c '...'}, {@code eval},
 * {@code su -c}, {@code find -exec}, wrappers such as sudo, env, xargs, nohup, time, nice and timeout, and the
 * shell commands that interpreter code runs ({@code python3 -c 'import os; os.system("...")'}, {@code perl -e},
 * {@code ruby -e}, {@code node -e}, {@code php -r}, {@code osascript -e 'do shell script "..."'}), which see the
 * interpreter among their wrappers. A program named by a variable set earlier on the
 * line ({@code X=`which ccencrypt`; $X -K k file}) is resolved to what the variable holds. Rules then
 * match a program and its arguments, so {@code grep "rm -rf" notes.md} is a grep and {@code echo sudo} an echo, while
 * {@code cd / && sudo rm -rf --no-preserve-root *} contains an {@code rm} run under sudo.
 *
 * <p>It never fails: text that is not valid shell still yields the commands a shell would most likely see.
 */
public final class ShellParser {
    private static final int MAX_DEPTH = 8;
    private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\[[^]]*])?\\+?=.*", Pattern.DOTALL);
    private static final Set<String> LEADING_KEYWORDS = Set.of("if", "then", "elif", "else", "do", "while", "until", "!", "{", "[[");
    /** Words that make the rest of their simple command data, not a program run. */
    private static final Set<String> NOT_A_COMMAND = Set.of("for", "select", "case", "function", "fi", "done", "esac", "}", "in", ";;");
    private static final Set<String> SHELLS = Set.of("sh", "bash", "zsh", "dash", "ksh", "ash", "fish", "mksh", "tcsh", "csh");
    /** Wrappers: the program that runs the rest of the words, and which of its options take a value. */
    private static final Map<String, Set<String>> WRAPPERS = Map.ofEntries(
            Map.entry("sudo", Set.of("-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T", "-R")),
            Map.entry("doas", Set.of("-u", "-C")),
            Map.entry("env", Set.of("-u", "-C", "-P", "--unset", "--chdir")),
            Map.entry("nohup", Set.of()), Map.entry("time", Set.of("-f", "-o")), Map.entry("builtin", Set.of()),
            Map.entry("command", Set.of()), Map.entry("exec", Set.of("-a")),
            Map.entry("nice", Set.of("-n", "--adjustment")), Map.entry("ionice", Set.of("-c", "-n", "-p", "-P", "-u")),
            Map.entry("timeout", Set.of("-s", "-k", "--signal", "--kill-after")),
            Map.entry("stdbuf", Set.of("-i", "-o", "-e")), Map.entry("chroot", Set.of("--userspec", "--groups")),
            Map.entry("xargs", Set.of("-I", "-n", "-P", "-L", "-d", "-E", "-s", "-a", "--max-args", "--max-procs", "--delimiter", "--arg-file")),
            Map.entry("watch", Set.of("-n", "--interval", "-d")), Map.entry("flock", Set.of("-w", "-E", "--timeout")),
            Map.entry("unbuffer", Set.of()), Map.entry("caffeinate", Set.of("-t", "-w")), Map.entry("pkexec", Set.of("--user")),
            Map.entry("strace", Set.of("-o", "-e", "-p", "-s")), Map.entry("ltrace", Set.of("-o", "-e", "-p", "-s")),
            Map.entry("torsocks", Set.of()), Map.entry("proxychains", Set.of("-f")), Map.entry("proxychains4", Set.of("-f")),
            Map.entry("setsid", Set.of()), Map.entry("unshare", Set.of()), Map.entry("nsenter", Set.of("-t")),
            Map.entry("runuser", Set.of("-u", "-g", "-G", "-s")), Map.entry("su", Set.of("-s", "-g", "-G")));
    /** Wrappers that take one positional argument before the command they run. */
    private static final Set<String> WRAPPERS_WITH_OPERAND = Set.of("timeout", "chroot", "flock");
    /** Builtins whose arguments may be assignments that last for the rest of the line. */
    private static final Set<String> DECLARATIONS = Set.of("export", "declare", "typeset", "local", "readonly");
    private static final Pattern VARIABLE_REFERENCE = Pattern.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)}|([A-Za-z_][A-Za-z0-9_]*))");
    /**
     * A value that names a program by looking it up: {@code `which X`}, {@code $(command -v X)}, {@code $(type -P X)};
     * with fallbacks ({@code `which python || which python3`}) the first is taken.
     */
    private static final Pattern PROGRAM_LOOKUP = Pattern.compile(
            "(?:`|\\$\\()\\s*(?:which|command\\s+-v|type\\s+-[pP]|whereis\\s+-b)\\s+([^\\s`()|;&]+)(?:\\s*\\|\\|[^`()]*)?\\s*(?:`|\\))");

    /** Interpreters, and the option that gives them code on the command line. */
    private static final Map<String, Set<String>> INTERPRETERS = Map.ofEntries(
            Map.entry("python", Set.of("-c")), Map.entry("python2", Set.of("-c")), Map.entry("python3", Set.of("-c")),
            Map.entry("perl", Set.of("-e", "-E")), Map.entry("ruby", Set.of("-e")), Map.entry("node", Set.of("-e", "--eval", "-p", "--print")),
            Map.entry("nodejs", Set.of("-e", "--eval")), Map.entry("deno", Set.of("eval")), Map.entry("bun", Set.of("-e", "--eval")),
            Map.entry("php", Set.of("-r")), Map.entry("osascript", Set.of("-e")), Map.entry("lua", Set.of("-e")),
            Map.entry("jrunscript", Set.of("-e")), Map.entry("tclsh", Set.of()), Map.entry("Rscript", Set.of("-e")));
    /**
     * A call in interpreter code that hands a string to a shell or runs it as a program: {@code os.system("...")},
     * {@code subprocess.run("...", shell=True)}, {@code system('...')}, {@code exec("...")}, {@code execSync(...)},
     * {@code IO.popen}, {@code shell_exec}, {@code Runtime.getRuntime().exec}, {@code io.popen}, {@code os.execute},
     * {@code do shell script "..."}, {@code tell application "Terminal" to do script "..."}; group 2 is the string, group 3 a list of strings ({@code ["rm", "-rf", "x"]}).
     */
    private static final Pattern RUNS_A_COMMAND = Pattern.compile("(?:\\bos\\.(?:system|popen|exec\\w*|spawn\\w*)|\\bsubprocess\\.\\w+|\\bcommands\\.getoutput"
            + "|\\b(?:system|exec|execSync|execFileSync|spawn|spawnSync|popen|shell_exec|passthru|proc_open|pcntl_exec|execute)"
            + "|\\bIO\\.popen|\\bOpen3\\.\\w+|\\bKernel\\.\\w+|Runtime\\.getRuntime\\(\\)\\.exec|\\bdo (?:shell )?script)"
            + "\\s*\\(?\\s*(?:(['\"])((?:\\\\.|(?!\\1).)*)\\1|\\[((?:\\s*(?:'[^']*'|\"[^\"]*\")\\s*,?)+)\\])", Pattern.DOTALL);
    /** Backticks and {@code qx(...)} / {@code %x(...)} in Perl and Ruby: the text between is a shell command. */
    private static final Pattern BACKTICKS_IN_CODE = Pattern.compile("`([^`]+)`|\\b(?:qx|%x)[({]([^)}]+)[)}]");
    private static final Pattern QUOTED = Pattern.compile("'([^']*)'|\"([^\"]*)\"");

    private ShellParser() {
    }

    /** Every simple command the line would run, outer commands before the ones nested in them. */
    public static List<ShellCommand> parse(String commandLine) {
        List<ShellCommand> commands = new ArrayList<>();
        if (commandLine != null) {
            parseInto(commandLine, List.of(), 0, new HashMap<>(), commands);
        }
        return commands;
    }

    /** @param variables what the line has assigned so far, shared by its nested commands */
    private static void parseInto(String text, List<String> wrappers, int depth, Map<String, String> variables, List<ShellCommand> out) {
        if (depth > MAX_DEPTH) {
            return;
        }
        Lexer lexer = new Lexer(text);
        lexer.run();
        for (Lexer.Raw raw : lexer.commands) {
            expand(raw.words, new ArrayList<>(), raw.redirects, wrappers, raw.piped, raw.heredoc, depth, variables, out);
        }
        for (String nested : lexer.nested) {
            parseInto(nested, wrappers, depth + 1, variables, out);
        }
    }

    /** @param heredoc the body of a here-document the command reads, or null */
    private static void expand(List<String> words, List<String> assignments, List<ShellCommand.Redirect> redirects,
                               List<String> wrappers, boolean piped, String heredoc, int depth, Map<String, String> variables,
                               List<ShellCommand> out) {
        int start = 0;
        while (start < words.size() && LEADING_KEYWORDS.contains(words.get(start))) {
            start++;
        }
        if (start < words.size() && NOT_A_COMMAND.contains(words.get(start))) {
            return;
        }
        while (start < words.size() && ASSIGNMENT.matcher(words.get(start)).matches()) {
            assignments.add(words.get(start++));
        }
        List<String> rest = new ArrayList<>(words.subList(start, words.size()));
        if (rest.isEmpty() && assignments.isEmpty() && redirects.isEmpty()) {
            return;
        }
        if (rest.isEmpty()) {
            assignments.forEach(assignment -> remember(assignment, variables));
        } else if (DECLARATIONS.contains(rest.get(0))) {
            rest.subList(1, rest.size()).forEach(argument -> remember(argument, variables));
        } else {
            rest.set(0, resolveProgram(rest.get(0), variables));
        }
        rest = List.copyOf(rest);
        ShellCommand command = new ShellCommand(rest, List.copyOf(assignments), List.copyOf(redirects), List.copyOf(wrappers), piped);
        out.add(command);
        if (rest.isEmpty() || depth >= MAX_DEPTH) {
            return;
        }
        String program = command.program();
        List<String> inner = new ArrayList<>(wrappers);
        inner.add(program);
        if (SHELLS.contains(program) || program.equals("su") || program.equals("runuser")) {
            String script = scriptArgument(rest);
            if (script != null) {
                parseInto(script, inner, depth + 1, variables, out);
                return;
            }
            if (heredoc != null && SHELLS.contains(program)) {
                parseInto(heredoc, inner, depth + 1, variables, out); // bash <<EOF ... EOF
                return;
            }
        }
        if (INTERPRETERS.containsKey(program)) {
            String code = codeArgument(rest, INTERPRETERS.get(program));
            code = code != null ? code : heredoc;
            if (code != null) {
                commandsRunBy(code, inner, depth + 1, variables, out);
            }
            return;
        }
        if (program.equals("eval")) {
            parseInto(String.join(" ", rest.subList(1, rest.size())), inner, depth + 1, variables, out);
        } else if (program.equals("find")) {
            expandFindExec(rest, inner, depth, variables, out);
        } else if (WRAPPERS.containsKey(program) && !program.equals("su") && !program.equals("runuser")) {
            int commandStart = skipOptions(rest, WRAPPERS.get(program));
            List<String> innerAssignments = new ArrayList<>();
            if (program.equals("env")) {
                while (commandStart < rest.size() && ASSIGNMENT.matcher(rest.get(commandStart)).matches()) {
                    innerAssignments.add(rest.get(commandStart++));
                }
            } else if (program.equals("command") && rest.size() > 1 && (rest.get(1).equals("-v") || rest.get(1).equals("-V"))) {
                return; // a lookup, not a run
            }
            if (WRAPPERS_WITH_OPERAND.contains(program)) {
                commandStart++;
            }
            if (commandStart < rest.size()) {
                expand(rest.subList(commandStart, rest.size()), innerAssignments, List.of(), inner, piped, heredoc, depth + 1, variables, out);
            }
        }
    }

    /** The code of {@code python -c CODE}, {@code perl -e CODE} and the like (also {@code -pe}, {@code -ne}), or null. */
    private static String codeArgument(List<String> words, Set<String> codeOptions) {
        for (int i = 1; i < words.size() - 1; i++) {
            String word = words.get(i);
            boolean bundled = word.length() > 2 && word.startsWith("-") && !word.startsWith("--") && codeOptions.contains("-" + word.charAt(word.length() - 1));
            if (codeOptions.contains(word) || bundled) {
                return words.get(i + 1);
            }
        }
        return null;
    }

    /** The shell commands that interpreter code runs: strings and lists handed to system(), exec() and the like, backticks. */
    private static void commandsRunBy(String code, List<String> wrappers, int depth, Map<String, String> variables, List<ShellCommand> out) {
        Matcher call = RUNS_A_COMMAND.matcher(code);
        while (call.find()) {
            if (call.group(2) != null) {
                parseInto(call.group(2).replace("\\\"", "\"").replace("\\'", "'"), wrappers, depth, variables, out);
            } else {
                List<String> parts = new ArrayList<>();
                Matcher quoted = QUOTED.matcher(call.group(3));
                while (quoted.find()) {
                    String part = quoted.group(1) != null ? quoted.group(1) : quoted.group(2);
                    parts.add("'" + part.replace("'", "'\\''") + "'");
                }
                parseInto(String.join(" ", parts), wrappers, depth, variables, out);
            }
        }
        Matcher backticks = BACKTICKS_IN_CODE.matcher(code);
        while (backticks.find()) {
            parseInto(backticks.group(1) != null ? backticks.group(1) : backticks.group(2), wrappers, depth, variables, out);
        }
    }

    /** Records {@code NAME=value} for later commands; a program lookup ({@code `which X`}) is stored as X. */
    private static void remember(String assignment, Map<String, String> variables) {
        int equals = assignment.indexOf('=');
        if (equals <= 0 || !ASSIGNMENT.matcher(assignment).matches()) {
            return;
        }
        String value = assignment.substring(equals + 1);
        Matcher lookup = PROGRAM_LOOKUP.matcher(value);
        variables.put(assignment.substring(0, equals), lookup.matches() ? lookup.group(1) : value);
    }

    /** {@code $X} or {@code ${X}} in the program position becomes X's value when the line set it to one word. */
    private static String resolveProgram(String word, Map<String, String> variables) {
        if (word.isEmpty() || word.charAt(0) != '$') {
            return word; // nearly every program word: no regex needed
        }
        Matcher reference = VARIABLE_REFERENCE.matcher(word);
        if (!reference.matches()) {
            return word;
        }
        String value = variables.get(reference.group(1) != null ? reference.group(1) : reference.group(2));
        return value == null || value.isBlank() || value.chars().anyMatch(Character::isWhitespace) ? word : value;
    }

    /** The script of {@code sh -c SCRIPT} (also {@code -lc}, {@code -ec}) or {@code su -c CMD} / {@code --command=CMD}. */
    private static String scriptArgument(List<String> words) {
        for (int i = 1; i < words.size(); i++) {
            String word = words.get(i);
            if (word.startsWith("--command=")) {
                return word.substring("--command=".length());
            }
            boolean shortC = word.startsWith("-") && !word.startsWith("--") && word.indexOf('c') > 0;
            if ((shortC || word.equals("--command")) && i + 1 < words.size()) {
                return words.get(i + 1);
            }
        }
        return null;
    }

    private static void expandFindExec(List<String> words, List<String> wrappers, int depth, Map<String, String> variables,
                                       List<ShellCommand> out) {
        for (int i = 1; i < words.size(); i++) {
            String word = words.get(i);
            if (word.equals("-exec") || word.equals("-execdir") || word.equals("-ok") || word.equals("-okdir")) {
                int end = i + 1;
                while (end < words.size() && !words.get(end).equals(";") && !words.get(end).equals("+")) {
                    end++;
                }
                if (end > i + 1) {
                    expand(words.subList(i + 1, end), new ArrayList<>(), List.of(), wrappers, false, null, depth + 1, variables, out);
                }
                i = end;
            }
        }
    }

    /** Index of the first word after the wrapper's options ({@code sudo -u root -E rm} → the index of {@code rm}). */
    private static int skipOptions(List<String> words, Set<String> optionsWithValue) {
        int i = 1;
        while (i < words.size()) {
            String word = words.get(i);
            if (word.equals("--")) {
                return i + 1;
            }
            if (!word.startsWith("-") || word.length() == 1) {
                return i;
            }
            i += optionsWithValue.contains(word) ? 2 : 1;
        }
        return i;
    }

    /** Splits text into raw simple commands, collecting the text of nested commands to parse after. */
    private static final class Lexer {
        /** @param heredoc the body of the here-document the command reads (the first, if several), or null */
        record Raw(List<String> words, List<ShellCommand.Redirect> redirects, boolean piped, String heredoc) {
        }

        final List<Raw> commands = new ArrayList<>();
        final List<String> nested = new ArrayList<>();
        private final String s;
        private final int n;
        private int i;
        private List<String> words = new ArrayList<>();
        private List<ShellCommand.Redirect> redirects = new ArrayList<>();
        private final StringBuilder word = new StringBuilder();
        private boolean inWord;
        private boolean piped;
        private String pendingRedirect;
        private final List<String[]> pendingHeredocs = new ArrayList<>();

        Lexer(String text) {
            this.s = text;
            this.n = text.length();
        }

        void run() {
            while (i < n) {
                char c = s.charAt(i);
                char next = i + 1 < n ? s.charAt(i + 1) : 0;
                if (c == '\'') {
                    int end = s.indexOf('\'', i + 1);
                    end = end < 0 ? n : end;
                    word.append(s, i + 1, end);
                    inWord = true;
                    i = end + 1;
                } else if (c == '"') {
                    doubleQuoted();
                } else if (c == '\\') {
                    if (next != '\n' && i + 1 < n) {
                        word.append(next);
                        inWord = true;
                    }
                    i += 2;
                } else if (c == '$' && next == '(') {
                    substitution(i + 1);
                } else if (c == '`') {
                    backticks();
                } else if ((c == '<' || c == '>') && next == '(') {
                    substitution(i + 1);
                } else if (c == '<' || c == '>' || (c == '&' && next == '>')) {
                    redirection();
                } else if (c == '(' || c == ')' || c == ';' || c == '|' || c == '&' || c == '\n') {
                    endWord();
                    endCommand();
                    char previous = i > 0 ? s.charAt(i - 1) : 0;
                    if (!(c == '&' && previous == '|')) { // |& pipes stderr too
                        piped = c == '|' && next != '|' && previous != '|';
                    }
                    i++;
                    if (c == '\n') {
                        skipHeredocBodies();
                    }
                } else if (Character.isWhitespace(c)) {
                    endWord();
                    i++;
                } else if (c == '#' && !inWord) {
                    int end = s.indexOf('\n', i);
                    i = end < 0 ? n : end; // a comment runs to the end of the line
                } else {
                    word.append(c);
                    inWord = true;
                    i++;
                }
            }
            endWord();
            endCommand();
        }

        private void doubleQuoted() {
            i++;
            inWord = true;
            while (i < n && s.charAt(i) != '"') {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < n && "\"\\$`\n".indexOf(s.charAt(i + 1)) >= 0) {
                    if (s.charAt(i + 1) != '\n') {
                        word.append(s.charAt(i + 1));
                    }
                    i += 2;
                } else if (c == '$' && i + 1 < n && s.charAt(i + 1) == '(') {
                    substitution(i + 1);
                } else if (c == '`') {
                    backticks();
                } else {
                    word.append(c);
                    i++;
                }
            }
            i++;
        }

        /** {@code $(...)}, {@code $((...))}, {@code <(...)}: the word keeps the text, the inside is parsed as commands. */
        private void substitution(int open) {
            int close = matchingParen(open);
            nested.add(s.substring(open + 1, Math.min(close, n)));
            word.append(s, i, Math.min(close + 1, n));
            inWord = true;
            i = close + 1;
        }

        private void backticks() {
            int end = i + 1;
            while (end < n && s.charAt(end) != '`') {
                end += s.charAt(end) == '\\' ? 2 : 1;
            }
            end = Math.min(end, n);
            nested.add(s.substring(i + 1, end).replace("\\`", "`"));
            word.append(s, i, Math.min(end + 1, n));
            inWord = true;
            i = end + 1;
        }

        /** Index of the ')' closing the '(' at {@code open}, skipping quotes; {@code n} when unbalanced. */
        private int matchingParen(int open) {
            int depth = 0;
            for (int j = open; j < n; j++) {
                char c = s.charAt(j);
                if (c == '\\') {
                    j++;
                } else if (c == '\'') {
                    int end = s.indexOf('\'', j + 1);
                    j = end < 0 ? n : end;
                } else if (c == '"') {
                    j++;
                    while (j < n && s.charAt(j) != '"') {
                        j += s.charAt(j) == '\\' ? 2 : 1;
                    }
                } else if (c == '(') {
                    depth++;
                } else if (c == ')' && --depth == 0) {
                    return j;
                }
            }
            return n;
        }

        private void redirection() {
            String fd = "";
            if (inWord && word.chars().allMatch(Character::isDigit)) {
                fd = word.toString(); // 2>file: the digits are the descriptor, not an argument
                word.setLength(0);
                inWord = false;
            } else {
                endWord();
            }
            String operator = null;
            for (String candidate : new String[]{"&>>", "<<<", "<<-", "<<", ">>", "&>", ">&", "<&", ">|", "<>", ">", "<"}) {
                if (s.startsWith(candidate, i)) {
                    operator = candidate;
                    break;
                }
            }
            i += operator.length();
            if (operator.equals("<<") || operator.equals("<<-")) {
                heredoc(operator.equals("<<-"));
                return;
            }
            pendingRedirect = fd + operator;
        }

        private void heredoc(boolean stripTabs) {
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
            StringBuilder delimiter = new StringBuilder();
            while (i < n && !Character.isWhitespace(s.charAt(i)) && ";|&<>()".indexOf(s.charAt(i)) < 0) {
                char c = s.charAt(i++);
                if (c != '\'' && c != '"' && c != '\\') {
                    delimiter.append(c);
                }
            }
            pendingHeredocs.add(new String[]{delimiter.toString(), stripTabs ? "-" : "", String.valueOf(commands.size())});
        }

        /**
         * After the newline that ends a line with here-documents, their bodies are data, not commands of this
         * text: each is kept with the command that reads it (a shell or an interpreter runs it as code).
         */
        private void skipHeredocBodies() {
            for (String[] heredoc : pendingHeredocs) {
                StringBuilder body = new StringBuilder();
                while (i < n) {
                    int end = s.indexOf('\n', i);
                    end = end < 0 ? n : end;
                    String line = s.substring(i, end);
                    i = Math.min(end + 1, n);
                    String content = heredoc[1].isEmpty() ? line : line.replaceFirst("^\t+", "");
                    if (content.equals(heredoc[0])) {
                        break;
                    }
                    body.append(content).append('\n');
                }
                int owner = Integer.parseInt(heredoc[2]);
                if (owner < commands.size() && commands.get(owner).heredoc() == null) {
                    Raw raw = commands.get(owner);
                    commands.set(owner, new Raw(raw.words(), raw.redirects(), raw.piped(), body.toString()));
                }
            }
            pendingHeredocs.clear();
        }

        private void endWord() {
            if (!inWord) {
                return;
            }
            if (pendingRedirect != null) {
                redirects.add(new ShellCommand.Redirect(pendingRedirect, word.toString()));
                pendingRedirect = null;
            } else {
                words.add(word.toString());
            }
            word.setLength(0);
            inWord = false;
        }

        private void endCommand() {
            if (!words.isEmpty() || !redirects.isEmpty()) {
                commands.add(new Raw(words, redirects, piped, null));
                piped = false;
            }
            words = new ArrayList<>();
            redirects = new ArrayList<>();
            pendingRedirect = null;
        }
    }
}
