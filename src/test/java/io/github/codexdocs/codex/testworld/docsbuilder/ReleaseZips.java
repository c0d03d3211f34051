package io.github.codexdocs.codex.testworld.docsbuilder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Release zips shaped like docs-builder's ({@code docs-builder}, {@code LICENSE.txt}, {@code NOTICE.txt} at the
 * root) whose {@code docs-builder} is the stand-in's POSIX launcher script. Zip entries carry no executable bit, as
 * with the real assets' Windows-made zips, so the installer must set it.
 */
public final class ReleaseZips {
    private ReleaseZips() {
    }

    /** A release zip holding the stand-in launcher as {@code docs-builder}. */
    public static byte[] standIn(Path workDirectory) {
        Path launcher = StandInLauncher.install(workDirectory.resolve("release-launcher"));
        try {
            byte[] script = Files.readAllBytes(launcher.resolveSibling("docs-builder"));
            Map<String, byte[]> entries = new LinkedHashMap<>();
            entries.put("docs-builder", script);
            entries.put("LICENSE.txt", "Licensed for tests.\n".getBytes(StandardCharsets.UTF_8));
            entries.put("NOTICE.txt", "docs-builder stand-in\n".getBytes(StandardCharsets.UTF_8));
            return zip(entries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A zip of the given entries, in order. */
    public static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
