package dev.agenttelemetry.collector.context;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Context the agent's hook payloads lack: host, OS user and, when cwd is inside a git work tree, its root,
 * branch and HEAD commit. Git facts are read from {@code .git} directly (no process per event) and cached
 * per cwd, refreshed in the background after a short time, since the branch can change during a session.
 */
public final class LocalContext {
    /** What is known about one working directory. */
    public record GitInfo(String root, String branch, String commit) {
    }

    private static final int MAX_CACHED = 1024;
    private static final int MAX_PARENTS = 64;

    private final String host;
    private final String osUser;
    private final Duration ttl;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
    /** Refreshes expired entries off the caller's thread (the collector's event loop), one at a time. */
    private final ExecutorService refresher = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "git-context");
        thread.setDaemon(true);
        return thread;
    });

    private record Cached(Optional<GitInfo> git, long readAtNanos, AtomicBoolean refreshing) {
    }

    public LocalContext(Duration ttl) {
        this.host = hostName();
        this.osUser = System.getProperty("user.name");
        this.ttl = ttl;
    }

    public String host() {
        return host;
    }

    public String osUser() {
        return osUser;
    }

    /**
     * The git facts of a working directory. Only the first event of a directory reads {@code .git} on the caller's
     * thread (a few small files); later ones get the cached facts, and once those are older than the expiry a
     * background thread reads them again while events go on with the previous ones. No lock is shared between
     * directories.
     */
    public Optional<GitInfo> git(String cwd) {
        if (cwd == null || cwd.isBlank()) {
            return Optional.empty();
        }
        Cached cached = cache.get(cwd);
        if (cached == null) {
            if (cache.size() >= MAX_CACHED) {
                cache.clear(); // more directories than any machine's sessions use: start again rather than grow
            }
            cached = cache.computeIfAbsent(cwd, dir -> new Cached(readGit(dir), System.nanoTime(), new AtomicBoolean()));
        } else if (System.nanoTime() - cached.readAtNanos() >= ttl.toNanos() && cached.refreshing().compareAndSet(false, true)) {
            try {
                refresher.execute(() -> cache.put(cwd, new Cached(readGit(cwd), System.nanoTime(), new AtomicBoolean())));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                cached.refreshing().set(false);
            }
        }
        return cached.git();
    }

    static Optional<GitInfo> readGit(String cwd) {
        Path dir;
        try {
            dir = Path.of(cwd).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
        for (int i = 0; dir != null && i < MAX_PARENTS; i++, dir = dir.getParent()) {
            Path dotGit = dir.resolve(".git");
            try {
                if (Files.isDirectory(dotGit)) {
                    return Optional.of(readHead(dir, dotGit, dotGit));
                }
                if (Files.isRegularFile(dotGit)) {
                    // A worktree or submodule: ".git" is a file "gitdir: <path>"; refs may live in the common dir.
                    String pointer = Files.readString(dotGit, StandardCharsets.UTF_8).trim();
                    if (pointer.startsWith("gitdir:")) {
                        Path gitDir = dir.resolve(pointer.substring("gitdir:".length()).trim()).normalize();
                        Path commonDir = gitDir;
                        Path commonFile = gitDir.resolve("commondir");
                        if (Files.isRegularFile(commonFile)) {
                            commonDir = gitDir.resolve(Files.readString(commonFile, StandardCharsets.UTF_8).trim()).normalize();
                        }
                        return Optional.of(readHead(dir, gitDir, commonDir));
                    }
                }
            } catch (IOException | InvalidPathException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static GitInfo readHead(Path root, Path gitDir, Path commonDir) throws IOException {
        String head = Files.readString(gitDir.resolve("HEAD"), StandardCharsets.UTF_8).trim();
        if (!head.startsWith("ref:")) {
            return new GitInfo(root.toString(), null, head.isEmpty() ? null : head); // detached HEAD
        }
        String ref = head.substring("ref:".length()).trim();
        String branch = ref.startsWith("refs/heads/") ? ref.substring("refs/heads/".length()) : ref;
        return new GitInfo(root.toString(), branch, resolveRef(gitDir, commonDir, ref));
    }

    private static String resolveRef(Path gitDir, Path commonDir, String ref) throws IOException {
        for (Path base : new Path[]{gitDir, commonDir}) {
            Path loose = base.resolve(ref);
            if (Files.isRegularFile(loose)) {
                return Files.readString(loose, StandardCharsets.UTF_8).trim();
            }
        }
        Path packed = commonDir.resolve("packed-refs");
        if (Files.isRegularFile(packed)) {
            for (String line : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
                if (line.endsWith(" " + ref) && !line.startsWith("#")) {
                    return line.substring(0, line.indexOf(' '));
                }
            }
        }
        return null; // a new repository without commits
    }

    private static String hostName() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return null;
        }
    }
}
