package io.github.codexdocs.codex.docsbuilder.install;

import io.github.codexdocs.codex.BuildLog;
import io.github.codexdocs.codex.http.HttpClients;
import io.github.codexdocs.codex.http.ConnectionFailures;
import io.github.codexdocs.codex.http.HttpSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;

/**
 * Fetches docs-builder releases over HTTP through {@link HttpClients}: Maven's proxies, the configured timeouts and
 * redirects followed (GitHub serves assets through a redirect to another host). Transient failures (no connection, a
 * timeout, a broken or cut-short transfer, HTTP 5xx, 408 and 429) are retried a few times with a growing pause.
 */
final class ReleaseDownloader {
    /** Sleeps between attempts; replaced in tests. */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    /** A downloaded file: its size and SHA-256 (lowercase hex). */
    record Download(long bytes, String sha256) {
    }

    static final int ATTEMPTS = 3;
    private static final long FIRST_PAUSE_MILLIS = 1_000;
    private static final long MAX_RETRY_AFTER_MILLIS = 30_000;
    private static final Pattern TAG = Pattern.compile("/tag/([^/?#]+)/?(?:[?#].*)?$");

    private final HttpSettings http;
    private final BuildLog log;
    private final Sleeper sleeper;

    ReleaseDownloader(HttpSettings http, BuildLog log, Sleeper sleeper) {
        this.http = http;
        this.log = log;
        this.sleeper = sleeper;
    }

    ReleaseDownloader(HttpSettings http, BuildLog log) {
        this(http, log, Thread::sleep);
    }

    /**
     * The version {@code latestUrl} redirects to: GitHub answers {@code /releases/latest} with a redirect to
     * {@code /releases/tag/<version>}. The redirect is not followed.
     */
    String latestVersion(URI latestUrl) throws DownloadFailure.Exception {
        try (CloseableHttpClient client = HttpClients.create(http, false)) {
            Answer answer = withRetries(latestUrl, () -> client.execute(new HttpGet(latestUrl), response -> {
                Header location = response.getFirstHeader("Location");
                return new Answer(response.getCode(),
                        HttpClients.retryAfterSeconds(response.getFirstHeader("Retry-After")),
                        location == null ? null : location.getValue());
            }));
            if (answer.status / 100 == 3 && answer.location != null) {
                Matcher tag = TAG.matcher(pathOf(latestUrl, answer.location));
                if (tag.find()) {
                    return tag.group(1);
                }
            }
            throw new DownloadFailure.Exception(new DownloadFailure(latestUrl, answer.status, 1,
                    answer.status / 100 == 3 ? "it redirected to " + answer.location + ", not to a release tag"
                            : "it answered HTTP " + answer.status + " instead of a redirect to the latest release tag"));
        } catch (IOException closing) {
            throw new DownloadFailure.Exception(new DownloadFailure(latestUrl, 0, 1, describe(closing)));
        }
    }

    /** Downloads {@code url} into {@code target} (replaced), computing its SHA-256 on the way. */
    Download download(URI url, Path target, DownloadProgress progress) throws DownloadFailure.Exception {
        try (CloseableHttpClient client = HttpClients.create(http, true)) {
            Answer answer = withRetries(url, () -> client.execute(new HttpGet(url), response -> {
                if (response.getCode() != 200) {
                    return new Answer(response.getCode(),
                        HttpClients.retryAfterSeconds(response.getFirstHeader("Retry-After")), null);
                }
                HttpEntity entity = response.getEntity();
                long expected = entity == null ? 0 : entity.getContentLength();
                return new Answer(200, -1, null, save(entity, expected, target, progress));
            }));
            if (answer.status != 200) {
                throw new DownloadFailure.Exception(new DownloadFailure(url, answer.status, 1,
                        "it answered HTTP " + answer.status));
            }
            return answer.download;
        } catch (IOException closing) {
            throw new DownloadFailure.Exception(new DownloadFailure(url, 0, 1, describe(closing)));
        }
    }

    private static Download save(HttpEntity entity, long expected, Path target, DownloadProgress progress)
            throws IOException {
        MessageDigest sha256 = sha256();
        long received = 0;
        progress.started(expected);
        try (InputStream in = entity == null ? InputStream.nullInputStream() : entity.getContent();
             OutputStream out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                sha256.update(buffer, 0, n);
                received += n;
                progress.advanced(received);
            }
        } catch (IOException e) {
            throw new CutShort(received, expected, e);
        } finally {
            progress.ended();
        }
        if (expected >= 0 && received != expected) {
            throw new CutShort(received, expected, null);
        }
        return new Download(received, HexFormat.of().formatHex(sha256.digest()));
    }

    private interface Attempt {
        Answer run() throws IOException;
    }

    private record Answer(int status, long retryAfterSeconds, String location, Download download) {
        Answer(int status, long retryAfterSeconds, String location) {
            this(status, retryAfterSeconds, location, null);
        }
    }

    private Answer withRetries(URI url, Attempt attempt) throws DownloadFailure.Exception {
        for (int attempts = 1; ; attempts++) {
            String problem;
            long retryAfterSeconds = -1;
            int status = 0;
            try {
                Answer answer = attempt.run();
                if (!isTransient(answer.status)) {
                    return answer;
                }
                status = answer.status;
                problem = "it answered HTTP " + answer.status;
                retryAfterSeconds = answer.retryAfterSeconds;
            } catch (IOException e) {
                if (!isTransient(e)) {
                    throw new DownloadFailure.Exception(new DownloadFailure(url, 0, attempts, describe(e)));
                }
                problem = describe(e);
            }
            if (attempts >= ATTEMPTS) {
                throw new DownloadFailure.Exception(new DownloadFailure(url, status, attempts, problem));
            }
            long pause = pauseMillis(attempts, retryAfterSeconds);
            log.warn("Request to " + url + " failed (" + problem + "); retrying in "
                    + String.format(Locale.ROOT, "%.1f", pause / 1000.0) + " s (attempt " + (attempts + 1) + " of "
                    + ATTEMPTS + ").");
            try {
                sleeper.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DownloadFailure.Exception(new DownloadFailure(url, status, attempts, problem));
            }
        }
    }

    /** 1 s, then 2 s, 4 s...; longer when the server asks for it with {@code Retry-After} (up to 30 s). */
    static long pauseMillis(int attempts, long retryAfterSeconds) {
        long pause = FIRST_PAUSE_MILLIS << Math.min(attempts - 1, 5);
        return Math.max(pause, Math.min(retryAfterSeconds * 1000, MAX_RETRY_AFTER_MILLIS));
    }

    /** Whether an answer with this status may succeed when asked again. */
    static boolean isTransient(int status) {
        return status >= 500 || status == 429 || status == 408;
    }

    /**
     * Whether a request that failed this way may succeed when made again: connection failures, timeouts and cut
     * transfers may; an unknown host, a TLS failure or a protocol error (such as a redirect loop) will not.
     */
    static boolean isTransient(IOException e) {
        return !(e instanceof UnknownHostException || e instanceof SSLException
                || e instanceof ClientProtocolException);
    }

    /** The path a redirect points at, or the empty string when its Location is no URL. */
    private static String pathOf(URI from, String location) {
        try {
            String path = from.resolve(location.trim()).getPath();
            return path == null ? "" : path;
        } catch (IllegalArgumentException notAUrl) {
            return "";
        }
    }

    static String describe(IOException e) {
        if (e instanceof CutShort cut) {
            if (cut.getCause() instanceof SocketTimeoutException) {
                return "no data came in time after " + cut.received
                        + (cut.expected >= 0 ? " of " + cut.expected : "") + " bytes";
            }
            return cut.expected >= 0
                    ? "the download ended after " + cut.received + " of " + cut.expected + " bytes"
                    : "the download broke off after " + cut.received + " bytes";
        }
        return ConnectionFailures.describe(e);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A transfer that ended before all of the body arrived. */
    static final class CutShort extends IOException {
        private static final long serialVersionUID = 1L;
        final long received;
        final long expected;

        CutShort(long received, long expected, IOException cause) {
            super("cut short after " + received + " bytes", cause);
            this.received = received;
            this.expected = expected;
        }
    }
}
