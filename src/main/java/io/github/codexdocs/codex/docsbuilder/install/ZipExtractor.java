package io.github.codexdocs.codex.docsbuilder.install;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Extracts a release zip into a folder, refusing any entry whose name would land outside that folder
 * ("zip slip": {@code ../x}, absolute paths, drive letters).
 */
final class ZipExtractor {

    /** A zip entry that would be written outside the target folder. */
    static final class EscapingEntryException extends IOException {
        private static final long serialVersionUID = 1L;
        private final String entry;

        EscapingEntryException(String entry) {
            super("zip entry '" + entry + "' points outside the target folder");
            this.entry = entry;
        }

        String entry() {
            return entry;
        }
    }

    private ZipExtractor() {
    }

    /**
     * Extracts every entry of {@code zip} into {@code target} (created if needed). Nothing is written when an entry
     * escapes: all names are checked before the first file is written.
     *
     * @throws EscapingEntryException when an entry's name points outside {@code target}
     * @throws ZipException           when the file is not a readable zip
     */
    static void extract(Path zip, Path target) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        Files.createDirectories(root);
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (Enumeration<? extends ZipEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                destination(root, entries.nextElement().getName());
            }
            for (Enumeration<? extends ZipEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                Path destination = destination(root, entry.getName());
                if (entry.isDirectory() || destination.equals(root)) {
                    Files.createDirectories(destination);
                    continue;
                }
                Files.createDirectories(destination.getParent());
                try (InputStream in = file.getInputStream(entry)) {
                    Files.copy(in, destination, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static Path destination(Path root, String name) throws EscapingEntryException {
        String normalized = name.replace('\\', '/');
        if (normalized.startsWith("/") || normalized.matches("^[A-Za-z]:.*") || normalized.isBlank()) {
            throw new EscapingEntryException(name);
        }
        Path destination;
        try {
            destination = root.resolve(normalized).normalize();
        } catch (InvalidPathException unusableName) {
            throw new EscapingEntryException(name);
        }
        if (!destination.startsWith(root)) {
            throw new EscapingEntryException(name);
        }
        return destination;
    }
}
