package dev.agenttelemetry.enricher.context;

import dev.agenttelemetry.avro.PathClass;
import dev.agenttelemetry.shell.ShellCommand;
import dev.agenttelemetry.shell.ShellParser;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the paths an event touches lie, relative to its project. Paths are normalised lexically (no file
 * system access: the enricher may run on another machine): relative paths against the effective cwd
 * (which {@code cd X &&} changes in Bash commands), {@code ..} folded, {@code ~} and {@code /home/<user>} kept
 * recognisable as the home directory.
 *
 * <p>Workspace roots ({@code enricher.workspace.roots}) are folders whose subfolders are projects: a session in
 * {@code ~/work/shop/src} with the root {@code ~/work} has the project {@code ~/work/shop} (unless the collector found
 * its git root), and {@code ~/work/billing} is a sibling project. Without one, the project's parent folder is taken
 * for its workspace. A root written {@code ~/...} matches every user's home directory ({@code /home/<user>},
 * {@code /Users/<user>}, {@code /root}).
 */
public final class PathContext {
    private static final List<String> SYSTEM = List.of("/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/boot", "/dev",
            "/proc", "/sys", "/var", "/opt", "/root", "/srv", "/System", "/Library", "/private/etc", "/private/var", "/Applications");
    private static final List<String> TEMP = List.of("/tmp", "/var/tmp", "/private/tmp", "/dev/shm", "/var/folders");
    private static final Pattern HOME = Pattern.compile("^(?:/home/[^/]+|/Users/[^/]+|/root|~)(?=/|$)");
    /** Not files an agent reads or writes: {@code 2>/dev/null} touches nothing. */
    private static final Pattern STREAMS = Pattern.compile("/dev/(null|zero|random|urandom|stdin|stdout|stderr|tty|fd/\\d+)");
    private static final Pattern HOME_VARIABLE = Pattern.compile("^(?:\\$HOME|\\$\\{HOME})(?=/|$)");
    private static final Pattern REDIRECTION = Pattern.compile("^\\d?[<>]+");
    private static final Pattern URL = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.\\-]*://");

    /** A path and its class. */
    public record Touched(String path, PathClass pathClass) {
    }

    private final List<String> workspaceRoots;

    /** @param workspaceRoots folders whose subfolders are projects, each absolute or starting with {@code ~/} */
    public PathContext(List<String> workspaceRoots) {
        this.workspaceRoots = workspaceRoots.stream().map(root -> {
            String problem = invalidWorkspaceRoot(root);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            return normalise(root, "/");
        }).toList();
    }

    /** Why a workspace root cannot be used, or null when it can. */
    public static String invalidWorkspaceRoot(String root) {
        if (!root.startsWith("/") && !root.equals("~") && !root.startsWith("~/")) {
            return "'" + root + "' is not an absolute path or a path under ~/";
        }
        return normalise(root, "/").equals("/") ? "'/' would make every folder a project" : null;
    }

    /**
     * The project's root: the git work tree the collector found, else the folder below a workspace root that holds
     * the working directory, else the working directory.
     */
    public String projectRoot(String cwd, String gitRoot) {
        if (gitRoot != null && !gitRoot.isBlank()) {
            return normalise(gitRoot, "/");
        }
        if (cwd == null) {
            return null;
        }
        String normal = normalise(cwd, "/");
        String workspace = workspaceOf(normal);
        if (workspace == null || normal.equals(workspace)) {
            return normal;
        }
        int end = normal.indexOf('/', workspace.length() + 1);
        return end < 0 ? normal : normal.substring(0, end);
    }

    /** The configured workspace root that holds this path, written as the path writes its home directory; or null. */
    private String workspaceOf(String path) {
        for (String root : workspaceRoots) {
            String resolved = root;
            if (root.startsWith("~")) {
                var home = HOME.matcher(path);
                if (!home.find()) {
                    continue;
                }
                resolved = path.substring(0, home.end()) + root.substring(1);
            }
            if (within(path, resolved)) {
                return resolved;
            }
        }
        return null;
    }

    /** Every path in the tool's input and, for Bash, in its command, each once, in order. */
    public List<Touched> touched(String projectRoot, String cwd, List<String> toolPaths, String command) {
        Map<String, PathClass> found = new LinkedHashMap<>();
        String workspace = projectRoot != null ? workspaceOf(projectRoot) : null; // the same for every path of the event
        String base = cwd != null ? cwd : projectRoot != null ? projectRoot : "/";
        for (String path : toolPaths) {
            if (path != null && !path.isBlank()) {
                String normal = normalise(path, base);
                found.putIfAbsent(normal, classify(normal, projectRoot, workspace));
            }
        }
        if (command != null) {
            for (ShellCommand shell : ShellParser.parse(command)) {
                List<String> arguments = shell.arguments();
                if (shell.program().equals("cd") && !arguments.isEmpty()) {
                    base = normalise(HOME_VARIABLE.matcher(arguments.get(0)).replaceFirst("~"), base); // later commands run there
                }
                List<String> words = new ArrayList<>(arguments);
                shell.redirects().forEach(redirect -> words.add(redirect.target()));
                for (String word : words) {
                    String candidate = pathIn(word);
                    if (candidate != null) {
                        String normal = normalise(candidate, base);
                        found.putIfAbsent(normal, classify(normal, projectRoot, workspace));
                    }
                }
            }
        }
        List<Touched> touched = new ArrayList<>();
        found.forEach((path, pathClass) -> touched.add(new Touched(path, pathClass)));
        return touched;
    }

    /** The path in a command word, if it looks like one: {@code /x}, {@code ~/x}, {@code ./x}, {@code a/b}, {@code --file=/x}, {@code >/x}. */
    static String pathIn(String word) {
        String w = HOME_VARIABLE.matcher(REDIRECTION.matcher(word).replaceFirst("")).replaceFirst("~");
        if (w.startsWith("-")) {
            int eq = w.indexOf('=');
            if (eq < 0) {
                return null;
            }
            w = w.substring(eq + 1);
        }
        if (w.isEmpty() || URL.matcher(w).find() || w.contains("$(") || w.startsWith("$") || STREAMS.matcher(w).matches()) {
            return null;
        }
        boolean looksLikePath = w.startsWith("/") || w.startsWith("~") || w.startsWith("./") || w.startsWith("../")
                || (w.contains("/") && !w.contains("@") && !w.contains(":")) || w.startsWith(".env");
        return looksLikePath ? w : null;
    }

    static String normalise(String path, String base) {
        String p = path.startsWith("~") || path.startsWith("/") ? path : (base.endsWith("/") ? base : base + "/") + path;
        try {
            if (p.startsWith("~")) {
                // "~" stays a symbolic home directory: fold ".." inside it, keep the "~" prefix.
                String normal = Path.of("/" + p).normalize().toString();
                return normal.startsWith("/~") ? normal.substring(1) : normal;
            }
            return Path.of(p).normalize().toString();
        } catch (InvalidPathException e) {
            return path;
        }
    }

    /** @param workspace the configured workspace root that holds the project, or null */
    static PathClass classify(String path, String projectRoot, String workspace) {
        var home = HOME.matcher(path);
        boolean homeConfig = false;
        if (home.find()) {
            String rest = path.substring(home.end());
            homeConfig = rest.startsWith("/.") || rest.startsWith("/Library/") || rest.startsWith("/AppData/");
        }
        // A session started in the home directory does not make ~/.ssh part of its project.
        if (projectRoot != null && within(path, projectRoot) && !(homeConfig && isHomeOrRoot(projectRoot))) {
            return PathClass.inside_project;
        }
        if (path.equals("/")) {
            return PathClass.system;
        }
        if (homeConfig) {
            return PathClass.home_config;
        }
        // A configured workspace is the user's word: a project beside this one, even under /srv or /opt.
        if (workspace != null && within(path, workspace)) {
            return PathClass.sibling_project;
        }
        for (String temp : TEMP) {
            if (within(path, temp)) {
                return PathClass.temp;
            }
        }
        for (String system : SYSTEM) {
            if (within(path, system)) {
                return PathClass.system;
            }
        }
        if (projectRoot != null && workspace == null) {
            int slash = projectRoot.lastIndexOf('/');
            String parent = slash > 0 ? projectRoot.substring(0, slash) : null;
            if (parent != null && !isHomeOrRoot(parent) && within(path, parent)) {
                return PathClass.sibling_project;
            }
        }
        return PathClass.other;
    }

    private static boolean isHomeOrRoot(String dir) {
        return dir.isEmpty() || dir.equals("/") || HOME.matcher(dir).matches() || dir.equals("/home") || dir.equals("/Users");
    }

    private static boolean within(String path, String dir) {
        return path.equals(dir) || path.startsWith(dir.endsWith("/") ? dir : dir + "/");
    }
}
