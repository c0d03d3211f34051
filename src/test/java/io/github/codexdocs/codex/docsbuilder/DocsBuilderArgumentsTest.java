package io.github.codexdocs.codex.docsbuilder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DocsBuilderArgumentsTest {
    private static final Path OUT = Path.of("out");

    @Test
    void onlyTheOutputByDefault() {
        assertEquals(List.of("--output", "out"),
                new DocsBuilderArguments(null, OUT, null, false, List.of(), List.of()).toList());
    }

    @Test
    void everyOptionInOrderThenTheExtraArguments() {
        assertEquals(List.of("--path", "docs", "--output", "out", "--path-prefix", "/p", "--strict",
                        "--exporters", "html,linkmetadata", "--force"),
                new DocsBuilderArguments(Path.of("docs"), OUT, "/p", true, List.of("html", "linkmetadata"),
                        List.of("--force")).toList());
    }

    @Test
    void anEmptyPrefixIsLeftOut() {
        assertEquals(List.of("--output", "out"),
                new DocsBuilderArguments(null, OUT, "", false, List.of(), List.of()).toList());
    }

    @Test
    void linkMetadataIsExpectedUnlessTheExportersLeaveItOut() {
        assertTrue(new DocsBuilderArguments(null, OUT, null, false, List.of(), List.of()).expectsLinkMetadata());
        assertTrue(new DocsBuilderArguments(null, OUT, null, false, List.of("html", "LinkMetadata"), List.of())
                .expectsLinkMetadata());
        assertFalse(new DocsBuilderArguments(null, OUT, null, false, List.of("html"), List.of()).expectsLinkMetadata());
        assertFalse(new DocsBuilderArguments(null, OUT, null, false, List.of(), List.of("--exporters", "html,llm"))
                .expectsLinkMetadata());
        assertFalse(new DocsBuilderArguments(null, OUT, null, false, List.of(), List.of("--exporters=html"))
                .expectsLinkMetadata());
        assertTrue(new DocsBuilderArguments(null, OUT, null, false, List.of(), List.of("--exporters=html,linkmetadata"))
                .expectsLinkMetadata());
    }
}
