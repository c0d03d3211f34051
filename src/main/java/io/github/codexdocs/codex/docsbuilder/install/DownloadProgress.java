package io.github.codexdocs.codex.docsbuilder.install;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Shows how far a download has come. In interactive builds one console line is rewritten in place a few times a
 * second; in batch builds nothing is shown (the installer logs one line when a download starts).
 */
interface DownloadProgress {

    /** A download starts; {@code totalBytes} is -1 when the server did not say. */
    void started(long totalBytes);

    /** {@code bytes} have arrived so far. */
    void advanced(long bytes);

    /** The download ended, completely or not. */
    void ended();

    /** Shows nothing. */
    DownloadProgress NONE = new DownloadProgress() {
        @Override
        public void started(long totalBytes) {
        }

        @Override
        public void advanced(long bytes) {
        }

        @Override
        public void ended() {
        }
    };

    /** Rewrites one line of {@code console} at most every 200 ms. */
    static DownloadProgress console(PrintStream console, LongSupplier nanoClock) {
        return new DownloadProgress() {
            private long total = -1;
            private long lastShown;
            private boolean shown;

            @Override
            public void started(long totalBytes) {
                total = totalBytes;
            }

            @Override
            public void advanced(long bytes) {
                long now = nanoClock.getAsLong();
                if (shown && now - lastShown < 200_000_000L) {
                    return;
                }
                lastShown = now;
                shown = true;
                String text = total > 0
                        ? String.format(Locale.ROOT, "docs-builder: %s of %s (%d%%)", megabytes(bytes), megabytes(total),
                                bytes * 100 / total)
                        : "docs-builder: " + megabytes(bytes);
                synchronized (console) {
                    console.print("\r" + text + "   ");
                    console.flush();
                }
            }

            @Override
            public void ended() {
                if (shown) {
                    synchronized (console) {
                        console.print("\r" + " ".repeat(60) + "\r");
                        console.flush();
                    }
                }
            }
        };
    }

    static String megabytes(long bytes) {
        if (bytes < 1_048_576) {
            return String.format(Locale.ROOT, "%.1f kB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1_048_576.0);
    }
}
