package io.github.codexdocs.codex.testworld;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback stand-in for GitHub releases of docs-builder, on two servers as GitHub does it:
 * <ul>
 *   <li>{@code GET /releases/download/<version>/<asset>} answers 302 to the asset host
 *       ({@code /assets/<version>/<asset>} on a second server); 404 for an unknown release or asset;</li>
 *   <li>{@code GET /releases/latest} answers 302 to {@code /releases/tag/<latest>};</li>
 *   <li>{@code GET /releases/tag/<version>} answers a small HTML page.</li>
 * </ul>
 * Faults: the next asset answers can fail with a status, be cut short halfway, be sent slowly, or be held halfway
 * until the test releases them (so that a test knows a download is under way, and for how long).
 */
public final class ReleaseServer implements AutoCloseable {
    private final Map<String, byte[]> assets = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger assetDownloads = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger cuts = new AtomicInteger();
    private volatile int failureStatus = 503;
    private volatile long slowMillis;
    private volatile CountDownLatch hold;
    private volatile String latest;
    private final Releases releases;
    private final AssetHost assetHost;

    private ReleaseServer() {
        assetHost = new AssetHost();
        releases = new Releases();
    }

    /** Starts both servers on 127.0.0.1 and free ports. */
    public static ReleaseServer start() {
        ReleaseServer server = new ReleaseServer();
        server.assetHost.startServing();
        server.releases.startServing();
        return server;
    }

    /** Publishes an asset of a release; the latest published version becomes {@code latest}. */
    public ReleaseServer publish(String version, String assetName, byte[] zip) {
        assets.put(version + "/" + assetName, zip.clone());
        latest = version;
        return this;
    }

    /** Makes {@code /releases/latest} point at this version. */
    public ReleaseServer latest(String version) {
        latest = version;
        return this;
    }

    /** The next {@code times} asset answers are this HTTP status. */
    public ReleaseServer failNext(int times, int status) {
        failureStatus = status;
        failures.set(times);
        return this;
    }

    /** The next {@code times} asset answers announce the whole length but end halfway. */
    public ReleaseServer cutNext(int times) {
        cuts.set(times);
        return this;
    }

    /** Sends every asset in two halves with a pause between them. */
    public ReleaseServer slow(long millis) {
        slowMillis = millis;
        return this;
    }

    /**
     * Sends every asset's first half, then waits for {@link #releaseAssets()} (at most 5 minutes) before the rest: a
     * download stays under way until the test lets it end.
     */
    public ReleaseServer holdAssets() {
        hold = new CountDownLatch(1);
        return this;
    }

    /** Lets the held asset answers, and the later ones, end. */
    public void releaseAssets() {
        CountDownLatch held = hold;
        if (held != null) {
            held.countDown();
        }
    }

    /** Waits until {@code count} asset bodies have been started ({@link #assetDownloads()}); false after the timeout. */
    public boolean awaitAssetDownloads(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (assetDownloads.get() < count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** {@code http://127.0.0.1:<port>/releases/download}, the plugin's {@code docsBuilderDownloadUrl}. */
    public String downloadUrl() {
        return releases.baseUrl() + "/releases/download";
    }

    /** The port of the releases server (the one the download URL names). */
    public int releasesPort() {
        return releases.port();
    }

    /** The port of the asset host that downloads are redirected to. */
    public int assetsPort() {
        return assetHost.port();
    }

    /** Every request to either server, as {@code METHOD path}, in arrival order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** How many times an asset body was sent completely or partly (not counting failures). */
    public int assetDownloads() {
        return assetDownloads.get();
    }

    @Override
    public void close() {
        releases.close();
        assetHost.close();
    }

    private final class Releases extends LoopbackServer {
        Releases() {
            super(bindHttp(), "releases");
        }

        @Override
        void handle(HttpExchange exchange) throws IOException {
            String path = exchange.getRequestURI().getPath();
            requests.add(exchange.getRequestMethod() + " " + path);
            if (path.equals("/releases/latest")) {
                exchange.getResponseHeaders().set("Location", baseUrl() + "/releases/tag/" + latest);
                Exchanges.empty(exchange, 302);
            } else if (path.startsWith("/releases/tag/")) {
                Exchanges.send(exchange, 200, "text/html", "<html><body>release</body></html>");
            } else if (path.startsWith("/releases/download/") && assets.containsKey(
                    path.substring("/releases/download/".length()))) {
                exchange.getResponseHeaders().set("Location",
                        assetHost.baseUrl() + "/assets/" + path.substring("/releases/download/".length()));
                Exchanges.empty(exchange, 302);
            } else {
                Exchanges.send(exchange, 404, "text/plain", "Not Found");
            }
        }
    }

    private final class AssetHost extends LoopbackServer {
        AssetHost() {
            super(bindHttp(), "release-assets");
        }

        @Override
        void handle(HttpExchange exchange) throws IOException {
            String path = exchange.getRequestURI().getPath();
            requests.add(exchange.getRequestMethod() + " " + path);
            byte[] zip = path.startsWith("/assets/") ? assets.get(path.substring("/assets/".length())) : null;
            if (zip == null) {
                Exchanges.send(exchange, 404, "text/plain", "Not Found");
                return;
            }
            if (failures.getAndUpdate(n -> Math.max(n - 1, 0)) > 0) {
                Exchanges.send(exchange, failureStatus, "text/plain", "failure " + failureStatus);
                return;
            }
            assetDownloads.incrementAndGet();
            boolean cut = cuts.getAndUpdate(n -> Math.max(n - 1, 0)) > 0;
            exchange.getResponseHeaders().set("Content-Type", "application/zip");
            exchange.sendResponseHeaders(200, zip.length);
            OutputStream out = exchange.getResponseBody();
            int half = zip.length / 2;
            out.write(zip, 0, half);
            out.flush();
            if (cut) {
                // Closing the exchange with bytes missing makes the server drop the connection.
                return;
            }
            try {
                if (slowMillis > 0) {
                    Thread.sleep(slowMillis);
                }
                CountDownLatch held = hold;
                if (held != null) {
                    held.await(5, TimeUnit.MINUTES);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            out.write(zip, half, zip.length - half);
            out.close();
        }
    }
}
