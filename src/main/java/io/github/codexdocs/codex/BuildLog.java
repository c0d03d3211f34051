package io.github.codexdocs.codex;

/**
 * Where the plugin's core reports to: the Maven log for people, and standard output for the raw
 * GitHub Actions workflow commands that the runner reads.
 */
public interface BuildLog {
    void debug(String message);

    void info(String message);

    void warn(String message);

    void error(String message);

    /** Writes one line to standard output exactly as given, for workflow commands such as {@code ::warning::}. */
    void raw(String line);
}
