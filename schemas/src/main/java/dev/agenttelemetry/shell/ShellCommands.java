package dev.agenttelemetry.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a shell command line into simple commands (each a list of words) the way a POSIX shell
 * tokenizes it: on {@code ;}, {@code &&}, {@code ||}, {@code |}, {@code &} and newlines outside quotes,
 * with single quotes, double quotes and backslash escapes removed from words. Rules then look at a
 * command word and its arguments, so {@code grep "rm -rf" notes.md} is a grep, not an rm.
 */
public final class ShellCommands {
    private ShellCommands() {
    }

    public static List<List<String>> split(String commandLine) {
        List<List<String>> commands = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        int n = commandLine.length();
        while (i < n) {
            char c = commandLine.charAt(i);
            if (c == '\'') {
                int end = commandLine.indexOf('\'', i + 1);
                end = end < 0 ? n : end;
                word.append(commandLine, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i++;
                while (i < n && commandLine.charAt(i) != '"') {
                    if (commandLine.charAt(i) == '\\' && i + 1 < n && "\"\\$`".indexOf(commandLine.charAt(i + 1)) >= 0) {
                        i++;
                    }
                    word.append(commandLine.charAt(i++));
                }
                inWord = true;
                i++;
            } else if (c == '\\' && i + 1 < n) {
                if (commandLine.charAt(i + 1) != '\n') {
                    word.append(commandLine.charAt(i + 1));
                    inWord = true;
                }
                i += 2;
            } else if (c == ';' || c == '|' || c == '&' || c == '\n') {
                inWord = endWord(words, word, inWord);
                endCommand(commands, words);
                words = new ArrayList<>();
                i++;
            } else if (Character.isWhitespace(c)) {
                inWord = endWord(words, word, inWord);
                i++;
            } else if (c == '#' && !inWord) {
                int end = commandLine.indexOf('\n', i);
                i = end < 0 ? n : end; // a comment runs to the end of the line
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        endWord(words, word, inWord);
        endCommand(commands, words);
        return commands;
    }

    private static boolean endWord(List<String> words, StringBuilder word, boolean inWord) {
        if (inWord) {
            words.add(word.toString());
            word.setLength(0);
        }
        return false;
    }

    private static void endCommand(List<List<String>> commands, List<String> words) {
        if (!words.isEmpty()) {
            commands.add(words);
        }
    }
}
