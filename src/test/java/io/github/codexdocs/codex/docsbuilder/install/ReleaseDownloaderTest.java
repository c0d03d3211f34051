package io.github.codexdocs.codex.docsbuilder.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexdocs.codex.RecordingLog;
import io.github.codexdocs.codex.http.HttpSettings;
import io.github.codexdocs.codex.testworld.ReleaseServer;
import io.github.codexdocs.codex.testworld.docsbuilder.ReleaseZips;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ReleaseDownloaderTest {
    @TempDir
    Path temp;

    private final byte[] zip = ReleaseZips.zip(Map.of("docs-builder", "binary".getBytes(StandardCharsets.UTF_8)));
    private final List<Long> pauses = new ArrayList<>();
    private final RecordingLog log = new RecordingLog();
    private ReleaseServer server;
    private ReleaseDownloader downloader;

    @BeforeEach
    void start() {
        server = ReleaseServer.start().publish("1.41.0", "docs-builder-linux-x64.zip", zip);
        downloader = new ReleaseDownloader(new HttpSettings(List.of(), Duration.ofSeconds(5), Duration.ofSeconds(5),
                null), log, pauses::add);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void transientStatusesAreThoseThatMayPassWhenAskedAgain() {
        for (int status : new int[] {500, 502, 503, 504, 429, 408}) {
            assertTrue(ReleaseDownloader.isTransient(status), "status " + status);
        }
        for (int status : new int[] {200, 400, 401, 403, 404, 410}) {
            assertFalse(ReleaseDownloader.isTransient(status), "status " + status);
        }
    }

    @Test
    void connectionFailuresAndTimeoutsAreRetriedButNotUnknownHostsTlsOrProtocolErrors() {
        assertTrue(ReleaseDownloader.isTransient(new ConnectException("Connection refused")));
        assertTrue(ReleaseDownloader.isTransient(new SocketTimeoutException("Read timed out")));
        assertTrue(ReleaseDownloader.isTransient(new NoHttpResponseException("no response")));
        assertTrue(ReleaseDownloader.isTransient(new ReleaseDownloader.CutShort(10, 20, null)));
        assertFalse(ReleaseDownloader.isTransient(new UnknownHostException("github.invalid")));
        assertFalse(ReleaseDownloader.isTransient(new SSLHandshakeException("PKIX path building failed")));
        assertFalse(ReleaseDownloader.isTransient(new ClientProtocolException("Circular redirect")));
    }

    @Test
    void pausesGrowAndHonourRetryAfterUpToAbound() {
        assertEquals(1000, ReleaseDownloader.pauseMillis(1, -1));
        assertEquals(2000, ReleaseDownloader.pauseMillis(2, -1));
        assertEquals(4000, ReleaseDownloader.pauseMillis(3, -1));
        assertEquals(7000, ReleaseDownloader.pauseMillis(1, 7));
        assertEquals(30_000, ReleaseDownloader.pauseMillis(1, 3600));
    }

    @Test
    void followsTheRedirectToTheAssetHostAndHashesTheBody() throws Exception {
        Path target = temp.resolve("asset.zip");
        ReleaseDownloader.Download download = downloader.download(asset("1.41.0"), target, DownloadProgress.NONE);
        assertEquals(zip.length, download.bytes());
        assertEquals(HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(zip)),
                download.sha256());
        assertEquals(List.of("GET /releases/download/1.41.0/docs-builder-linux-x64.zip",
                "GET /assets/1.41.0/docs-builder-linux-x64.zip"), server.requests());
        assertEquals(zip.length, Files.size(target));
    }

    @Test
    void serverErrorsAreRetriedWithPauses() throws Exception {
        server.failNext(2, 503);
        downloader.download(asset("1.41.0"), temp.resolve("asset.zip"), DownloadProgress.NONE);
        assertEquals(List.of(1000L, 2000L), pauses);
        assertEquals(1, server.assetDownloads());
        assertEquals(2, log.at("WARN").size());
        assertTrue(log.at("WARN").get(0).contains("failed (it answered HTTP 503); retrying in 1.0 s (attempt 2 of 3)"),
                log.lines.toString());
    }

    @Test
    void persistentServerErrorsGiveUpAfterThreeAttempts() {
        server.failNext(5, 502);
        DownloadFailure failure = assertThrows(DownloadFailure.Exception.class,
                () -> downloader.download(asset("1.41.0"), temp.resolve("asset.zip"), DownloadProgress.NONE)).failure();
        assertEquals(502, failure.status());
        assertEquals(3, failure.attempts());
    }

    @Test
    void tooManyRequestsIsRetried() throws Exception {
        server.failNext(1, 429);
        downloader.download(asset("1.41.0"), temp.resolve("asset.zip"), DownloadProgress.NONE);
        assertEquals(List.of(1000L), pauses);
    }

    @Test
    void notFoundIsNotRetried() {
        DownloadFailure failure = assertThrows(DownloadFailure.Exception.class,
                () -> downloader.download(asset("9.9.9"), temp.resolve("asset.zip"), DownloadProgress.NONE)).failure();
        assertEquals(404, failure.status());
        assertEquals(1, failure.attempts());
        assertEquals(List.of(), pauses);
    }

    @Test
    void aCutShortDownloadIsRetried() throws Exception {
        server.cutNext(1);
        ReleaseDownloader.Download download = downloader.download(asset("1.41.0"), temp.resolve("asset.zip"),
                DownloadProgress.NONE);
        assertEquals(zip.length, download.bytes());
        assertEquals(2, server.assetDownloads());
        assertTrue(log.at("WARN").get(0).contains("the download ended after " + zip.length / 2 + " of " + zip.length
                + " bytes"), log.lines.toString());
    }

    @Test
    void refusedConnectionsAreRetriedThenReported() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + closedPort + "/releases/download/1.41.0/a.zip");
        DownloadFailure failure = assertThrows(DownloadFailure.Exception.class,
                () -> downloader.download(url, temp.resolve("asset.zip"), DownloadProgress.NONE)).failure();
        assertEquals(3, failure.attempts());
        assertEquals("the connection was refused", failure.reason());
    }

    @Test
    @Timeout(20)
    void aServerThatNeverAnswersTimesOutOnEachAttemptAndIsReportedAsTooSlow() throws IOException {
        ReleaseDownloader impatient = new ReleaseDownloader(new HttpSettings(List.of(), Duration.ofSeconds(5),
                Duration.ofMillis(500), null), log, pauses::add);
        // Connections wait in the backlog: they are established but never read from or answered.
        try (ServerSocket silent = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            URI url = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/releases/download/1.41.0/a.zip");
            long started = System.nanoTime();
            DownloadFailure failure = assertThrows(DownloadFailure.Exception.class,
                    () -> impatient.download(url, temp.resolve("asset.zip"), DownloadProgress.NONE)).failure();
            assertEquals("no answer came in time", failure.reason());
            assertEquals(3, failure.attempts());
            assertEquals(List.of(1000L, 2000L), pauses);
            assertTrue(System.nanoTime() - started >= Duration.ofMillis(3 * 500).toNanos(), "waited for each timeout");
        }
    }

    @Test
    void latestIsReadFromTheRedirectWithoutFollowingIt() throws Exception {
        server.latest("1.42.3");
        URI latest = URI.create(server.downloadUrl().replace("/download", "/latest"));
        assertEquals("1.42.3", downloader.latestVersion(latest));
        assertEquals(List.of("GET /releases/latest"), server.requests());
    }

    @Test
    void latestWithoutARedirectFails() {
        URI notLatest = URI.create(server.downloadUrl().replace("/download", "/tag/1.41.0"));
        DownloadFailure failure = assertThrows(DownloadFailure.Exception.class,
                () -> downloader.latestVersion(notLatest)).failure();
        assertEquals("it answered HTTP 200 instead of a redirect to the latest release tag", failure.reason());
    }

    private URI asset(String version) {
        return URI.create(server.downloadUrl() + "/" + version + "/docs-builder-linux-x64.zip");
    }
}
