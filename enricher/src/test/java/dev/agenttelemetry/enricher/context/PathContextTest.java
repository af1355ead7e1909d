package dev.agenttelemetry.enricher.context;

import dev.agenttelemetry.avro.PathClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PathContextTest {
    private static final String PROJECT = "/home/dev/work/shop";
    private final PathContext noWorkspaces = new PathContext(List.of());

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/home/dev/work/shop/src/App.java, /home/dev/work/shop/src/App.java, inside_project",
            "src/../pom.xml, /home/dev/work/shop/pom.xml, inside_project",
            "../billing/README.md, /home/dev/work/billing/README.md, sibling_project",
            "~/.ssh/id_rsa, ~/.ssh/id_rsa, home_config",
            "/home/dev/.aws/credentials, /home/dev/.aws/credentials, home_config",
            "/etc/passwd, /etc/passwd, system",
            "/usr/local/bin/tool, /usr/local/bin/tool, system",
            "/tmp/build.log, /tmp/build.log, temp",
            "/home/dev/Downloads/x.zip, /home/dev/Downloads/x.zip, other",
            "../../../../etc/shadow, /etc/shadow, system",
    })
    void normalisesAndClassifiesToolPaths(String path, String normal, PathClass expected) {
        List<PathContext.Touched> touched = noWorkspaces.touched(PROJECT, PROJECT, List.of(path), null);
        assertThat(touched).containsExactly(new PathContext.Touched(normal, expected));
    }

    @Test
    void findsPathsInBashCommandsFollowingCd() {
        List<PathContext.Touched> touched = noWorkspaces.touched(PROJECT, PROJECT, List.of(),
                "cat src/main.py > /tmp/out.txt && cd / && sudo rm -rf ./var/lib/thing --config=~/.config/app.toml; curl https://example.com/x/y");
        assertThat(touched).containsExactly(
                new PathContext.Touched("/home/dev/work/shop/src/main.py", PathClass.inside_project),
                new PathContext.Touched("/tmp/out.txt", PathClass.temp),
                new PathContext.Touched("/", PathClass.system),
                new PathContext.Touched("/var/lib/thing", PathClass.system),
                new PathContext.Touched("~/.config/app.toml", PathClass.home_config));
    }

    @Test
    void aSessionInTheHomeDirectoryDoesNotOwnTheDotfiles() {
        assertThat(noWorkspaces.touched("/home/dev", "/home/dev", List.of("/home/dev/.bashrc", "/home/dev/notes.md"), null))
                .extracting(PathContext.Touched::pathClass).containsExactly(PathClass.home_config, PathClass.inside_project);
        assertThat(noWorkspaces.projectRoot("/home/dev/work/shop/src", "/home/dev/work/shop")).isEqualTo("/home/dev/work/shop");
    }

    @Test
    void aConfiguredWorkspaceRootMakesItsSubfoldersProjects() {
        PathContext workspaces = new PathContext(List.of("~/work", "/srv/repos/"));
        assertThat(workspaces.projectRoot("/home/dev/work/shop/src/main", null)).isEqualTo("/home/dev/work/shop");
        assertThat(workspaces.projectRoot("/Users/ana/work/billing", null)).isEqualTo("/Users/ana/work/billing");
        assertThat(workspaces.projectRoot("/srv/repos/api/cmd", null)).isEqualTo("/srv/repos/api");
        assertThat(workspaces.projectRoot("/home/dev/work", null)).isEqualTo("/home/dev/work");
        assertThat(workspaces.projectRoot("/home/dev/work/shop/src", "/home/dev/work/shop/src")).as("the git root comes first")
                .isEqualTo("/home/dev/work/shop/src");
        assertThat(workspaces.projectRoot("/home/dev/elsewhere/x", null)).isEqualTo("/home/dev/elsewhere/x");
    }

    @Test
    void aConfiguredWorkspaceDecidesWhatIsASiblingProject() {
        PathContext workspaces = new PathContext(List.of("/srv/repos", "~/work"));
        String project = workspaces.projectRoot("/srv/repos/api/cmd", null);
        assertThat(workspaces.touched(project, "/srv/repos/api/cmd", List.of("../../billing/main.go", "/srv/other/x", "/etc/hosts", "/srv/repos/api/go.mod"), null))
                .extracting(PathContext.Touched::pathClass)
                .as("under /srv, a system path without the workspace")
                .containsExactly(PathClass.sibling_project, PathClass.system, PathClass.system, PathClass.inside_project);
        // Deeper in a configured workspace is a sibling too; its parent folder, the default workspace, is not.
        assertThat(workspaces.touched("/home/dev/work/group/shop", "/home/dev/work/group/shop",
                        List.of("/home/dev/work/billing/a.txt", "/home/dev/.ssh/config", "/home/dev/notes/b.txt"), null))
                .extracting(PathContext.Touched::pathClass)
                .containsExactly(PathClass.sibling_project, PathClass.home_config, PathClass.other);
    }

    @ParameterizedTest
    @CsvSource({"work, is not an absolute path", "/, every folder a project", "/tmp/.., every folder a project"})
    void refusesWorkspaceRootsThatCannotBeMeant(String root, String problem) {
        assertThat(PathContext.invalidWorkspaceRoot(root)).contains(problem);
    }
}
