package io.github.codexdocs.codex.docsbuilder.install;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.codexdocs.codex.testworld.docsbuilder.ReleaseZips;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ZipExtractorTest {
    @TempDir
    Path temp;

    @Test
    void extractsFilesAndFolders() throws IOException {
        Path zip = write(Map.of("docs-builder", bytes("binary"), "licenses/LICENSE.txt", bytes("license")));
        Path target = temp.resolve("out");
        ZipExtractor.extract(zip, target);
        assertArrayEquals(bytes("binary"), Files.readAllBytes(target.resolve("docs-builder")));
        assertArrayEquals(bytes("license"), Files.readAllBytes(target.resolve("licenses/LICENSE.txt")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../evil.sh", "a/../../evil.sh", "/tmp/evil.sh", "..\\evil.sh", "C:/evil.sh"})
    void rejectsEntriesOutsideTheTargetBeforeWritingAnything(String name) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("docs-builder", bytes("binary"));
        entries.put(name, bytes("evil"));
        Path zip = write(entries);
        Path target = temp.resolve("nested/out");
        ZipExtractor.EscapingEntryException e = assertThrows(ZipExtractor.EscapingEntryException.class,
                () -> ZipExtractor.extract(zip, target));
        assertEquals(name, e.entry());
        assertFalse(Files.exists(target.resolve("docs-builder")), "an entry was written before the check");
        try (Stream<Path> files = Files.walk(temp)) {
            assertEquals(0, files.filter(f -> f.getFileName().toString().equals("evil.sh")).count());
        }
    }

    private Path write(Map<String, byte[]> entries) throws IOException {
        Path zip = temp.resolve("release.zip");
        Files.write(zip, ReleaseZips.zip(entries));
        return zip;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
