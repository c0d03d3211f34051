package io.github.codexdocs.codex.maven;

import io.github.codexdocs.codex.BuildLog;
import java.io.PrintStream;
import org.apache.maven.plugin.logging.Log;

/** Reports through Maven's log; workflow commands go to standard output unprefixed, where the runner reads them. */
final class MavenBuildLog implements BuildLog {
    private final Log log;
    private final PrintStream stdout;

    MavenBuildLog(Log log, PrintStream stdout) {
        this.log = log;
        this.stdout = stdout;
    }

    @Override
    public void debug(String message) {
        log.debug(message);
    }

    @Override
    public void info(String message) {
        log.info(message);
    }

    @Override
    public void warn(String message) {
        log.warn(message);
    }

    @Override
    public void error(String message) {
        log.error(message);
    }

    @Override
    public void raw(String line) {
        synchronized (stdout) {
            stdout.println(line);
            stdout.flush();
        }
    }
}
