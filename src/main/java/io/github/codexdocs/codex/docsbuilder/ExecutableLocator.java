package io.github.codexdocs.codex.docsbuilder;

import io.github.codexdocs.codex.CodexException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

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
        return onPath(executable).orElseThrow(() -> new CodexException("docs-builder executable '" + executable
                + "' was not found on PATH (" + (pathEntries().isEmpty() ? "PATH is empty"
                : String.join(File.pathSeparator, pathEntries())) + "); " + FIX + "."));
    }

    /** The first executable file of this name in the directories of {@code PATH}. */
    public Optional<Path> onPath(String executable) {
        for (String directory : pathEntries()) {
            for (String name : candidateNames(executable)) {
                Path candidate = Path.of(directory).resolve(name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private List<String> pathEntries() {
        List<String> entries = new ArrayList<>();
        for (String entry : variable("PATH").split(windows ? ";" : ":")) {
            if (!entry.isBlank()) {
                entries.add(entry);
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
