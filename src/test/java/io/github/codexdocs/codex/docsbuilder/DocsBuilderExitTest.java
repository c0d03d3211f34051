package io.github.codexdocs.codex.docsbuilder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DocsBuilderExitTest {
    @Test
    void buildErrorsWithAndWithoutSummary() {
        assertEquals("docs-builder failed with exit code 1 (the build has errors): 3 Errors / 1 Warnings / 0 Hints;"
                        + " fix the problems reported above.",
                DocsBuilderExit.failureMessage(1, Optional.of(new BuildSummary(3, 1, 0)), false));
        assertEquals("docs-builder failed with exit code 1 (the build has errors, or warnings in strict mode);"
                        + " fix the problems reported above.",
                DocsBuilderExit.failureMessage(1, Optional.empty(), true));
    }

    @Test
    void usageError() {
        assertEquals("docs-builder failed with exit code 2 (command-line usage error); check <arguments> and the other"
                        + " options it was given against its usage message above.",
                DocsBuilderExit.failureMessage(2, Optional.empty(), false));
    }

    @Test
    void anyOtherCode() {
        assertEquals("docs-builder failed with exit code 137; see its output above.",
                DocsBuilderExit.failureMessage(137, Optional.empty(), false));
    }
}
