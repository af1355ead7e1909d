package dev.agenttelemetry.enricher.context;

import dev.agenttelemetry.avro.PathClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PathContextTest {
    private static final String PROJECT = "/home/dev/work/shop";

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
        List<PathContext.Touched> touched = PathContext.touched(PROJECT, PROJECT, List.of(path), null);
        assertThat(touched).containsExactly(new PathContext.Touched(normal, expected));
    }

    @Test
    void findsPathsInBashCommandsFollowingCd() {
        List<PathContext.Touched> touched = PathContext.touched(PROJECT, PROJECT, List.of(),
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
        assertThat(PathContext.touched("/home/dev", "/home/dev", List.of("/home/dev/.bashrc", "/home/dev/notes.md"), null))
                .extracting(PathContext.Touched::pathClass).containsExactly(PathClass.home_config, PathClass.inside_project);
        assertThat(PathContext.projectRoot("/home/dev/work/shop/src", "/home/dev/work/shop")).isEqualTo("/home/dev/work/shop");
    }
}
