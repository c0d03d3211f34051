package io.github.codexdocs.codex.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobReportTest {
    @TempDir
    Path dir;

    @Test
    void outputsAndSummaryAreAppended() throws IOException {
        Path output = Files.writeString(dir.resolve("output"), "earlier=1\n");
        Path summary = dir.resolve("summary.md");
        GitHubActions actions = new GitHubActions(Map.of("GITHUB_ACTIONS", "true",
                "GITHUB_OUTPUT", output.toString(), "GITHUB_STEP_SUMMARY", summary.toString()));
        JobReport report = new JobReport(actions).row("Path prefix", "/_preview/a/b").row("Result", "failed: x | y\nz");
        report.writeOutputs("/_preview/a/b", Path.of("/out/html"));
        report.writeSummary("Documentation build");
        assertEquals("earlier=1\npath-prefix=/_preview/a/b\noutput-directory=/out/html\n", Files.readString(output));
        assertEquals("### Documentation build\n\n| | |\n|---|---|\n| Path prefix | /_preview/a/b |\n"
                + "| Result | failed: x \\| y z |\n\n", Files.readString(summary));
    }

    @Test
    void nothingIsWrittenOutsideGitHubActions() throws IOException {
        Path output = dir.resolve("output");
        GitHubActions actions = new GitHubActions(Map.of("GITHUB_OUTPUT", output.toString(),
                "GITHUB_STEP_SUMMARY", output.toString()));
        JobReport report = new JobReport(actions).row("a", "b");
        report.writeOutputs(null, Path.of("/out"));
        report.writeSummary("x");
        assertFalse(Files.exists(output));
    }

    @Test
    void secondsHaveOneDecimal() {
        assertEquals("2.5 s", JobReport.seconds(Duration.ofMillis(2549)));
    }
}
