package io.github.codexdocs.codex.docsbuilder;

import java.util.regex.Pattern;

/**
 * One line of docs-builder's console output, classified by its level prefix ({@code info }, {@code warn },
 * {@code error}, {@code fail }) once ANSI colour codes are removed. Lines that start with {@code ::} are GitHub
 * workflow commands and must reach standard output untouched.
 *
 * @param kind how to report the line
 * @param text the line without colour codes, and without its level word for leveled lines
 */
public record OutputLine(Kind kind, String text) {
    public enum Kind { INFO, WARNING, ERROR, WORKFLOW_COMMAND }

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[ -/]*[@-~]|\u001B[@-Z\\\\-_]");

    public static OutputLine classify(String raw) {
        String line = ANSI.matcher(raw).replaceAll("");
        String trimmed = line.stripLeading();
        if (trimmed.startsWith("::")) {
            return new OutputLine(Kind.WORKFLOW_COMMAND, line);
        }
        if (trimmed.startsWith("warn ")) {
            return new OutputLine(Kind.WARNING, trimmed.substring(5).stripLeading());
        }
        if (trimmed.startsWith("error") && (trimmed.length() == 5 || trimmed.charAt(5) == ':'
                || Character.isWhitespace(trimmed.charAt(5)))) {
            return new OutputLine(Kind.ERROR, trimmed.substring(5).stripLeading());
        }
        if (trimmed.startsWith("fail ")) {
            return new OutputLine(Kind.ERROR, trimmed.substring(5).stripLeading());
        }
        if (trimmed.startsWith("info ")) {
            return new OutputLine(Kind.INFO, trimmed.substring(5).stripLeading());
        }
        return new OutputLine(Kind.INFO, line);
    }
}
