package io.github.codexdocs.codex.docsbuilder;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The counts of docs-builder's closing line {@code <N> Errors / <N> Warnings / <N> Hints}. */
public record BuildSummary(int errors, int warnings, int hints) {
    private static final Pattern LINE = Pattern.compile(
            "^\\s*(\\d+) Errors? / (\\d+) Warnings? / (\\d+) Hints?\\s*$");

    public static Optional<BuildSummary> parse(String line) {
        if (!line.contains(" / ")) {
            return Optional.empty(); // most lines: no regular expression for them
        }
        Matcher matcher = LINE.matcher(line);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new BuildSummary(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                Integer.parseInt(matcher.group(3))));
    }

    @Override
    public String toString() {
        return errors + " Errors / " + warnings + " Warnings / " + hints + " Hints";
    }
}
