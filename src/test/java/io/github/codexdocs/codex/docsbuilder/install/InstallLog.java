package io.github.codexdocs.codex.docsbuilder.install;

import io.github.codexdocs.codex.BuildLog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Records what the installer logs, as {@code LEVEL message}. */
final class InstallLog implements BuildLog {
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void debug(String message) {
        lines.add("DEBUG " + message);
    }

    @Override
    public void info(String message) {
        lines.add("INFO " + message);
    }

    @Override
    public void warn(String message) {
        lines.add("WARN " + message);
    }

    @Override
    public void error(String message) {
        lines.add("ERROR " + message);
    }

    @Override
    public void raw(String line) {
        lines.add("RAW " + line);
    }

    List<String> at(String level) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.startsWith(level + " ")).map(l -> l.substring(level.length() + 1))
                    .toList();
        }
    }
}
