package dev.agenttelemetry.collector.context;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class LocalContextTest {
    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path dir;

    @Test
    void readsBranchAndCommitFromALooseRefInAParentDirectory() throws Exception {
        Path repo = dir.resolve("shop");
        Files.createDirectories(repo.resolve(".git/refs/heads/feature"));
        Files.writeString(repo.resolve(".git/HEAD"), "ref: refs/heads/feature/login\n");
        Files.writeString(repo.resolve(".git/refs/heads/feature/login"), SHA + "\n");
        Files.createDirectories(repo.resolve("src/main"));

        LocalContext.GitInfo git = new LocalContext(Duration.ofSeconds(5)).git(repo.resolve("src/main").toString()).orElseThrow();
        assertThat(git.root()).isEqualTo(repo.toString());
        assertThat(git.branch()).isEqualTo("feature/login");
        assertThat(git.commit()).isEqualTo(SHA);
    }

    @Test
    void aBranchSwitchIsSeenAfterTheExpiryWhileEventsGoOnWithTheFactsTheyHad() throws Exception {
        Path repo = dir.resolve("switching");
        Files.createDirectories(repo.resolve(".git/refs/heads"));
        Files.writeString(repo.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        Files.writeString(repo.resolve(".git/refs/heads/main"), SHA + "\n");
        Files.writeString(repo.resolve(".git/refs/heads/fix"), SHA + "\n");
        LocalContext context = new LocalContext(Duration.ofMillis(50));
        assertThat(context.git(repo.toString()).orElseThrow().branch()).isEqualTo("main");

        Files.writeString(repo.resolve(".git/HEAD"), "ref: refs/heads/fix\n");
        assertThat(context.git(repo.toString()).orElseThrow().branch()).as("within the expiry: the cached facts").isEqualTo("main");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> "fix".equals(context.git(repo.toString()).orElseThrow().branch()));
    }

    @Test
    void readsPackedRefsWorktreesAndDetachedHeads() throws Exception {
        Path main = dir.resolve("main");
        Files.createDirectories(main.resolve(".git/worktrees/wt"));
        Files.writeString(main.resolve(".git/HEAD"), SHA + "\n");
        Files.writeString(main.resolve(".git/packed-refs"), "# pack-refs with: peeled\n" + SHA + " refs/heads/release\n");
        Files.writeString(main.resolve(".git/worktrees/wt/HEAD"), "ref: refs/heads/release\n");
        Files.writeString(main.resolve(".git/worktrees/wt/commondir"), "../..\n");
        Path worktree = dir.resolve("wt");
        Files.createDirectories(worktree);
        Files.writeString(worktree.resolve(".git"), "gitdir: " + main.resolve(".git/worktrees/wt") + "\n");

        LocalContext context = new LocalContext(Duration.ofSeconds(5));
        assertThat(context.git(main.toString()).orElseThrow()).isEqualTo(new LocalContext.GitInfo(main.toString(), null, SHA));
        assertThat(context.git(worktree.toString()).orElseThrow()).isEqualTo(new LocalContext.GitInfo(worktree.toString(), "release", SHA));
    }

    @Test
    void knowsNothingOutsideAWorkTree() {
        // Temporary directories live in the build directory, inside this project's own work tree: use the root.
        assertThat(new LocalContext(Duration.ofSeconds(5)).git("/")).isEmpty();
        assertThat(new LocalContext(Duration.ofSeconds(5)).git(null)).isEmpty();
    }
}
