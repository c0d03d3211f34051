package io.github.codexdocs.codex.docsbuilder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.codexdocs.codex.docsbuilder.OutputLine.Kind;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class OutputLineTest {
    @Test
    void levelsAreReadAfterColourCodesAreRemoved() {
        assertEquals(new OutputLine(Kind.INFO, "::Elastic.Markdown:: Building 3 files"),
                OutputLine.classify("\u001b[32minfo \u001b[0m::Elastic.Markdown:: Building 3 files"));
        assertEquals(new OutputLine(Kind.WARNING, "::Elastic.Markdown:: deprecated"),
                OutputLine.classify("\u001b[33mwarn \u001b[0m::Elastic.Markdown:: deprecated"));
        assertEquals(new OutputLine(Kind.ERROR, "::Elastic.Markdown:: broken link"),
                OutputLine.classify("\u001b[31merror\u001b[0m::Elastic.Markdown:: broken link"));
        assertEquals(new OutputLine(Kind.ERROR, "::Program:: crashed"),
                OutputLine.classify("\u001b[1;31mfail \u001b[0m::Program:: crashed"));
    }

    @Test
    void workflowCommandsKeepTheirTextAndMayBeIndented() {
        assertEquals(new OutputLine(Kind.WORKFLOW_COMMAND, "::error file=index.md,line=3::broken link"),
                OutputLine.classify("::error file=index.md,line=3::broken link"));
        assertEquals(new OutputLine(Kind.WORKFLOW_COMMAND, "  ::warning::x"), OutputLine.classify("  ::warning::x"));
    }

    @Test
    void anyOtherLineIsInformation() {
        assertEquals(new OutputLine(Kind.INFO, "\t0 Errors / 1 Warnings / 2 Hints"),
                OutputLine.classify("\t0 Errors / 1 Warnings / 2 Hints"));
        assertEquals(new OutputLine(Kind.INFO, "Unrecognized option '--bogus'"),
                OutputLine.classify("Unrecognized option '--bogus'"));
        assertEquals(new OutputLine(Kind.INFO, "warning: not a level word"),
                OutputLine.classify("warning: not a level word"));
        assertEquals(new OutputLine(Kind.INFO, "errors: none found"), OutputLine.classify("errors: none found"));
        assertEquals(new OutputLine(Kind.ERROR, "something broke"), OutputLine.classify("error something broke"));
    }

    @Test
    void theSummaryLineIsParsed() {
        assertEquals(Optional.of(new BuildSummary(2, 1, 0)), BuildSummary.parse("\t2 Errors / 1 Warnings / 0 Hints"));
        assertEquals(Optional.of(new BuildSummary(1, 1, 1)), BuildSummary.parse("1 Error / 1 Warning / 1 Hint"));
        assertEquals(Optional.empty(), BuildSummary.parse("Found 2 Errors / 1 Warnings / 0 Hints in total"));
        assertEquals("2 Errors / 1 Warnings / 0 Hints", new BuildSummary(2, 1, 0).toString());
    }

    @Test
    void colourCodesAreRemovedAsTheRegularExpressionForAnsiEscapesWould() {
        Pattern ansi = Pattern.compile("\u001B\\[[0-9;?]*[ -/]*[@-~]|\u001B[@-Z\\\\-_]");
        String alphabet = "\u001B\u001B\u001B[[[0;9?1 /!@mZ\\]_`~a\t";
        Random random = new Random(7);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder line = new StringBuilder();
            for (int i = random.nextInt(16); i > 0; i--) {
                line.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String raw = line.toString();
            assertEquals(ansi.matcher(raw).replaceAll(""), OutputLine.stripAnsi(raw), () -> raw.replace("\u001B", "ESC"));
        }
        assertEquals("info ::x:: done", OutputLine.stripAnsi("\u001b[32minfo \u001b[0m::x:: done"));
        assertEquals("kept \u001b[12", OutputLine.stripAnsi("kept \u001b[12"));
    }
}
