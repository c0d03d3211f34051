package io.github.codexdocs.codex.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WorkflowCommandsTest {
    @Test
    void dataEscapesPercentAndLineBreaks() {
        assertEquals("::warning title=T::100%25 done%0Anext%0Dline",
                WorkflowCommands.warning("T", "100% done\nnext\rline"));
        assertEquals("::add-mask::a%25b", WorkflowCommands.addMask("a%b"));
    }

    @Test
    void propertiesAlsoEscapeColonsAndCommas() {
        assertEquals("::error title=codex%3Abuild failed%2C badly::x", WorkflowCommands.error("codex:build failed, badly", "x"));
    }
}
