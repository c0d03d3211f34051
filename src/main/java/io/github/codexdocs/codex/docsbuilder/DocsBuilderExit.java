package io.github.codexdocs.codex.docsbuilder;

import java.util.Optional;

/** Turns docs-builder's exit code into the sentence the build fails with. */
public final class DocsBuilderExit {
    private DocsBuilderExit() {
    }

    /** The failure message for a non-zero exit code. */
    public static String failureMessage(int exitCode, Optional<BuildSummary> summary, boolean strict) {
        return failureMessage(exitCode, summary, strict, "fix the problems reported above");
    }

    /**
     * The failure message for a non-zero exit code, with what to do for build errors when the plugin knows more
     * than docs-builder said (such as why the link index could not be fetched).
     */
    public static String failureMessage(int exitCode, Optional<BuildSummary> summary, boolean strict,
                                        String buildErrorAdvice) {
        String counts = summary.map(s -> ": " + s).orElse("");
        return switch (exitCode) {
            case 1 -> "docs-builder failed with exit code 1 (the build has errors"
                    + (strict ? ", or warnings in strict mode" : "") + ")" + counts
                    + "; " + buildErrorAdvice + ".";
            case 2 -> "docs-builder failed with exit code 2 (command-line usage error)" + counts
                    + "; check <arguments> and the other options it was given against its usage message above.";
            default -> "docs-builder failed with exit code " + exitCode + counts + "; see its output above.";
        };
    }
}
