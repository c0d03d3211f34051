package io.github.codexdocs.codex.docsbuilder;

import java.util.List;
import java.util.stream.Collectors;

/** Renders a command line for the log, quoting the arguments a shell would split. */
final class CommandLines {
    private CommandLines() {
    }

    static String display(List<String> command) {
        return command.stream().map(CommandLines::quote).collect(Collectors.joining(" "));
    }

    private static String quote(String argument) {
        if (!argument.isEmpty() && argument.chars().noneMatch(c -> Character.isWhitespace(c) || "\"'$`\\".indexOf(c) >= 0)) {
            return argument;
        }
        return "'" + argument.replace("'", "'\\''") + "'";
    }
}
