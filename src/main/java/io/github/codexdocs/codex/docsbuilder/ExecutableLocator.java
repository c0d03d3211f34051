package io.github.codexdocs.codex.docsbuilder;

import io.github.codexdocs.codex.CodexException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the docs-builder executable: an absolute or relative path is taken as it is, a bare name is looked up
 * on the {@code PATH} of the given environment (with {@code PATHEXT} on Windows).
 */
public final class ExecutableLocator {
    private static final String FIX = "install docs-builder or set <executable> (codex.executable) to its absolute path";

    private final Map<String, String> environment;
    private final boolean windows;

    public ExecutableLocator(Map<String, String> environment, boolean windows) {
        this.environment = environment;
        this.windows = windows;
    }

    /** A locator for the operating system of this {@code os.name}: Windows names get Windows' lookup rules. */
    public static ExecutableLocator forOs(Map<String, String> environment, String osName) {
        return new ExecutableLocator(environment, osName.toLowerCase(Locale.ROOT).startsWith("windows"));
    }

    public Path locate(String executable, Path baseDirectory) {
        if (executable.contains("/") || executable.contains(File.separator)) {
            Path path = baseDirectory.resolve(executable).normalize();
            if (!Files.isRegularFile(path)) {
                throw new CodexException("docs-builder executable " + path + " does not exist; " + FIX + ".");
            }
            if (!Files.isExecutable(path)) {
                throw new CodexException("docs-builder executable " + path + " is not executable; make it executable"
                        + " (chmod +x) or set <executable> (codex.executable) to another file.");
            }
            return path;
        }
        Optional<Path> found = onPath(executable);
        if (found.isPresent()) {
            return found.get();
        }
        Optional<Path> notExecutable = candidates(executable).filter(Files::isRegularFile).findFirst();
        if (notExecutable.isPresent()) {
            throw new CodexException("docs-builder executable " + notExecutable.get() + " on PATH is not executable;"
                    + " make it executable (chmod +x) or set <executable> (codex.executable) to another file.");
        }
        throw new CodexException("docs-builder executable '" + executable + "' was not found on PATH ("
                + (pathEntries().isEmpty() ? "PATH is empty" : String.join(File.pathSeparator, pathEntries()))
                + "); " + FIX + ".");
    }

    /** The first executable file of this name in the directories of {@code PATH}. */
    public Optional<Path> onPath(String executable) {
        return candidates(executable).filter(c -> Files.isRegularFile(c) && Files.isExecutable(c)).findFirst();
    }

    /** The files this name may be on {@code PATH}, in the order they are looked for. */
    private Stream<Path> candidates(String executable) {
        return pathEntries().stream().flatMap(directory -> candidateNames(executable).stream()
                .map(name -> resolve(directory, name)).flatMap(Optional::stream));
    }

    /** A directory of {@code PATH} and a name; none when the entry is no valid path (it is skipped, as shells do). */
    private static Optional<Path> resolve(String directory, String name) {
        try {
            return Optional.of(Path.of(directory).resolve(name));
        } catch (InvalidPathException notAPath) {
            return Optional.empty();
        }
    }

    private List<String> pathEntries() {
        List<String> entries = new ArrayList<>();
        for (String entry : variable("PATH").split(windows ? ";" : ":")) {
            // Windows allows a quoted entry, "C:\Program Files\x", as cmd.exe does
            String unquoted = windows && entry.length() >= 2 && entry.startsWith("\"") && entry.endsWith("\"")
                    ? entry.substring(1, entry.length() - 1) : entry;
            if (!unquoted.isBlank()) {
                entries.add(unquoted);
            }
        }
        return entries;
    }

    private List<String> candidateNames(String executable) {
        if (!windows || executable.contains(".")) {
            return List.of(executable);
        }
        List<String> names = new ArrayList<>();
        String extensions = variable("PATHEXT");
        for (String extension : (extensions.isEmpty() ? ".COM;.EXE;.BAT;.CMD" : extensions).split(";")) {
            if (!extension.isBlank()) {
                names.add(executable + extension.toLowerCase(Locale.ROOT));
            }
        }
        names.add(executable);
        return names;
    }

    /** Environment variable names are case-insensitive on Windows ({@code Path}, {@code PATH}). */
    private String variable(String name) {
        for (Map.Entry<String, String> entry : environment.entrySet()) {
            if (windows ? entry.getKey().equalsIgnoreCase(name) : entry.getKey().equals(name)) {
                return entry.getValue() == null ? "" : entry.getValue();
            }
        }
        return "";
    }
}
