package io.github.codexdocs.codex;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Records what the plugin's core logs, as {@code LEVEL message} lines, with the time each arrived. */
public final class RecordingLog implements BuildLog {
    public final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    public final List<Long> times = Collections.synchronizedList(new ArrayList<>());

    private synchronized void add(String line) {
        lines.add(line);
        times.add(System.nanoTime());
    }

    @Override
    public void debug(String message) {
        add("DEBUG " + message);
    }

    @Override
    public void info(String message) {
        add("INFO " + message);
    }

    @Override
    public void warn(String message) {
        add("WARN " + message);
    }

    @Override
    public void error(String message) {
        add("ERROR " + message);
    }

    @Override
    public void raw(String line) {
        add("RAW " + line);
    }

    /** The messages logged at this level ({@code INFO}, {@code WARN}, …, or {@code RAW}), in order. */
    public List<String> at(String level) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.startsWith(level + " ")).map(l -> l.substring(level.length() + 1))
                    .toList();
        }
    }
}
