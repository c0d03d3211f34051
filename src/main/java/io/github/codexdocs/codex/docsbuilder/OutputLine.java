package io.github.codexdocs.codex.docsbuilder;

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

    private static final char ESC = '\u001B';

    public static OutputLine classify(String raw) {
        String line = stripAnsi(raw);
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

    /**
     * The line without ANSI escape sequences: CSI sequences ({@code ESC [}, parameter bytes {@code 0-9;?}, intermediate
     * bytes {@code space-/}, a final byte {@code @-~}) and two-byte escapes ({@code ESC} and one of {@code @-Z \\-_}).
     * A hand-written scan: it runs for every line docs-builder prints, and a regular expression cost about a third
     * of the relay's time on a million lines (docs/performance.md).
     */
    static String stripAnsi(String raw) {
        int esc = raw.indexOf(ESC);
        if (esc < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        int from = 0;
        while (esc >= 0) {
            int end = escapeEnd(raw, esc);
            if (end < 0) {
                out.append(raw, from, esc + 1);
                from = esc + 1;
            } else {
                out.append(raw, from, esc);
                from = end;
            }
            esc = raw.indexOf(ESC, from);
        }
        return out.append(raw, from, raw.length()).toString();
    }

    /** Where the escape sequence starting at {@code esc} ends (exclusive), or -1 when none starts there. */
    private static int escapeEnd(String s, int esc) {
        int i = esc + 1;
        if (i >= s.length()) {
            return -1;
        }
        char c = s.charAt(i);
        if (c != '[') {
            return (c >= '@' && c <= 'Z') || (c >= '\\' && c <= '_') ? i + 1 : -1;
        }
        i++;
        while (i < s.length() && ((s.charAt(i) >= '0' && s.charAt(i) <= '9') || s.charAt(i) == ';' || s.charAt(i) == '?')) {
            i++;
        }
        while (i < s.length() && s.charAt(i) >= ' ' && s.charAt(i) <= '/') {
            i++;
        }
        return i < s.length() && s.charAt(i) >= '@' && s.charAt(i) <= '~' ? i + 1 : -1;
    }
}
