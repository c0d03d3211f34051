package io.github.codexdocs.codex.ci;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What one {@code codex:build} tells the GitHub Actions job besides its log: step outputs in {@code GITHUB_OUTPUT}
 * ({@code path-prefix} and {@code output-directory}, as the {@code codex/build} action had) and a Markdown table in
 * {@code GITHUB_STEP_SUMMARY}. Never a secret.
 */
public final class JobReport {
    private final GitHubActions actions;
    private final Map<String, String> rows = new LinkedHashMap<>();

    public JobReport(GitHubActions actions) {
        this.actions = actions;
    }

    /** Adds a row to the summary table; rows keep the order they were first set in. */
    public JobReport row(String name, String value) {
        rows.put(name, value);
        return this;
    }

    /** Appends the step outputs; does nothing outside GitHub Actions. */
    public void writeOutputs(String pathPrefix, Path outputDirectory) throws IOException {
        Optional<Path> file = actions.outputFile();
        if (!actions.isActive() || file.isEmpty()) {
            return;
        }
        append(file.get(), "path-prefix=" + oneLine(pathPrefix == null ? "" : pathPrefix) + "\n"
                + "output-directory=" + oneLine(outputDirectory.toString()) + "\n");
    }

    /** Appends the summary table; does nothing outside GitHub Actions. */
    public void writeSummary(String heading) throws IOException {
        Optional<Path> file = actions.stepSummaryFile();
        if (!actions.isActive() || file.isEmpty()) {
            return;
        }
        StringBuilder markdown = new StringBuilder("### ").append(heading).append("\n\n| | |\n|---|---|\n");
        rows.forEach((name, value) -> markdown.append("| ").append(name).append(" | ").append(cell(value)).append(" |\n"));
        append(file.get(), markdown.append('\n').toString());
    }

    public static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    private static String cell(String value) {
        return oneLine(value).replace("|", "\\|");
    }

    private static String oneLine(String value) {
        return value.replace("\r", " ").replace("\n", " ");
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
