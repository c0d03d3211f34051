package io.github.codexdocs.codex.docsbuilder.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexdocs.codex.RecordingLog;
import io.github.codexdocs.codex.CodexException;
import io.github.codexdocs.codex.http.HttpSettings;
import io.github.codexdocs.codex.testworld.ReleaseServer;
import io.github.codexdocs.codex.testworld.docsbuilder.ReleaseZips;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@DisabledOnOs(OS.WINDOWS)
class DocsBuilderInstallerTest {
    private static final String ASSET = "docs-builder-linux-x64.zip";

    @TempDir
    Path temp;

    private final RecordingLog log = new RecordingLog();
    private final List<Long> pauses = new ArrayList<>();
    private ReleaseServer server;
    private byte[] zip;
    private Path cache;

    @BeforeEach
    void start() {
        zip = ReleaseZips.standIn(temp);
        server = ReleaseServer.start().publish("1.41.0", ASSET, zip);
        cache = temp.resolve("cache");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void installsOnceAndThenUsesTheCacheWithoutAnyRequest() throws IOException {
        Path executable = installer("1.41.0", null, false).install().executable();
        assertEquals(cache.resolve("1.41.0/linux-x64/docs-builder").toAbsolutePath(), executable);
        assertTrue(Files.isExecutable(executable), "the executable bit was not set");
        assertTrue(Files.isRegularFile(executable.resolveSibling("LICENSE.txt")));
        assertEquals(InstallCache.sha256(executable) + "  docs-builder\n",
                Files.readString(executable.resolveSibling("docs-builder.sha256")));
        assertEquals(List.of("Downloading docs-builder 1.41.0 for linux-x64 from " + server.downloadUrl()
                        + "/1.41.0/" + ASSET, "Using docs-builder 1.41.0 (linux-x64) at " + executable),
                log.at("INFO"), "a batch build logs one line per download");
        assertTrue(log.at("DEBUG").stream().anyMatch(l -> l.startsWith("Downloaded docs-builder 1.41.0 (")),
                log.lines.toString());
        int requests = server.requests().size();

        log.lines.clear();
        assertEquals(executable, installer("1.41.0", null, false).install().executable());
        assertEquals(requests, server.requests().size(), "the second install made requests");
        assertEquals(List.of("Using docs-builder 1.41.0 (linux-x64) at " + executable), log.at("INFO"));
        try (Stream<Path> files = Files.list(cache.resolve("1.41.0"))) {
            assertEquals(List.of("linux-x64", "linux-x64.lock"), files.map(f -> f.getFileName().toString()).sorted()
                    .toList(), "temporary files were left behind");
        }
    }

    @Test
    void theLeftoversOfAnInterruptedInstallAreRemovedAndTheInstallSucceeds() throws IOException {
        InstallCache leftovers = new InstallCache(cache, Duration.ofSeconds(1));
        Platform linux = Platform.of("Linux", "amd64");
        Files.write(leftovers.temporaryDownload("1.41.0", linux), Arrays.copyOf(zip, zip.length / 2));
        Path staging = leftovers.temporaryFolder("1.41.0", linux);
        Files.writeString(staging.resolve("docs-builder"), "#!/bin/sh\n");

        Path executable = installer("1.41.0", null, false).install().executable();

        assertEquals(InstallCache.sha256(executable) + "  docs-builder\n",
                Files.readString(executable.resolveSibling("docs-builder.sha256")));
        try (Stream<Path> files = Files.list(cache.resolve("1.41.0"))) {
            assertEquals(List.of("linux-x64", "linux-x64.lock"), files.map(f -> f.getFileName().toString()).sorted()
                    .toList(), "the leftovers were not removed");
        }
    }

    @Test
    void latestIsResolvedToTheVersionThatIsInstalledAndLogged() {
        server.publish("1.42.0", ASSET, zip);
        Path executable = installer("latest", null, false).install().executable();
        assertEquals(cache.resolve("1.42.0/linux-x64/docs-builder").toAbsolutePath(), executable);
        assertTrue(server.requests().contains("GET /releases/latest"));
        assertTrue(log.at("INFO").contains("Using docs-builder 1.42.0 (linux-x64) at " + executable));
    }

    @Test
    void aMissingReleaseNamesTheUrlAndTheVersion() {
        CodexException e = assertThrows(CodexException.class, () -> installer("9.9.9", null, false).install().executable());
        assertEquals("docs-builder 9.9.9 was not found at " + server.downloadUrl() + "/9.9.9/" + ASSET
                + " (HTTP 404); check that <docsBuilderVersion> (codex.docsBuilderVersion) is a released version and"
                + " that <docsBuilderDownloadUrl> (codex.docsBuilderDownloadUrl) points at the releases.",
                e.getMessage());
    }

    @Test
    void aMatchingSha256Installs() throws Exception {
        assertTrue(Files.isExecutable(installer("1.41.0", sha256(zip).toUpperCase(), false).install().executable()));
    }

    @Test
    void aSha256MismatchFailsNamingBothDigestsAndInstallsNothing() throws Exception {
        String expected = "0".repeat(64);
        CodexException e = assertThrows(CodexException.class, () -> installer("1.41.0", expected, false).install().executable());
        assertEquals("The docs-builder archive downloaded from " + server.downloadUrl() + "/1.41.0/" + ASSET
                + " has SHA-256 " + sha256(zip) + " but <docsBuilderSha256> (codex.docsBuilderSha256) expects "
                + expected + "; check the value or the mirror.", e.getMessage());
        assertFalse(Files.exists(cache.resolve("1.41.0/linux-x64")));
    }

    @Test
    void aTamperedBinaryIsReportedAndInstalledAgain() throws IOException {
        Path executable = installer("1.41.0", null, false).install().executable();
        byte[] original = Files.readAllBytes(executable);
        Files.writeString(executable, "#!/bin/sh\necho tampered\n");
        log.lines.clear();

        assertEquals(executable, installer("1.41.0", null, false).install().executable());
        assertEquals(List.of("The cached docs-builder " + executable + " does not match the SHA-256 recorded when it"
                + " was installed; installing it again."), log.at("WARN"));
        assertEquals(2, server.assetDownloads());
        assertEquals(new String(original, StandardCharsets.UTF_8), Files.readString(executable));
        assertTrue(Files.isExecutable(executable));
    }

    @Test
    void aTamperedBinaryFailsOfflineExplainingHowToClearTheCache() throws IOException {
        Path executable = installer("1.41.0", null, false).install().executable();
        Files.writeString(executable, "#!/bin/sh\necho tampered\n");
        int requests = server.requests().size();
        CodexException e = assertThrows(CodexException.class, () -> installer("1.41.0", null, true).install().executable());
        assertEquals("The cached docs-builder " + executable + " does not match the SHA-256 recorded when it was"
                + " installed, and Maven is offline so it cannot be installed again; delete " + executable.getParent()
                + " and run the build once online, or set <executable> (codex.executable) to an installed"
                + " docs-builder.", e.getMessage());
        assertEquals(requests, server.requests().size());
    }

    @Test
    void offlineUsesTheCacheOrFailsSayingHowToPreInstall() {
        CodexException e = assertThrows(CodexException.class, () -> installer("1.41.0", null, true).install().executable());
        assertEquals("docs-builder 1.41.0 for linux-x64 is not installed in " + cache.toAbsolutePath() + " and Maven is"
                + " offline; run the build once online to install it, or set <executable> (codex.executable) to an"
                + " installed docs-builder.", e.getMessage());
        assertEquals(List.of(), server.requests());

        Path executable = installer("1.41.0", null, false).install().executable();
        int requests = server.requests().size();
        assertEquals(executable, installer("1.41.0", null, true).install().executable());
        assertEquals(requests, server.requests().size());
    }

    @Test
    void latestCannotBeResolvedOffline() {
        CodexException e = assertThrows(CodexException.class, () -> installer("latest", null, true).install().executable());
        assertTrue(e.getMessage().startsWith("docs-builder version 'latest' cannot be resolved while Maven is"
                + " offline;"), e.getMessage());
        assertEquals(List.of(), server.requests());
    }

    @Test
    void twoThreadsInstallingAtOnceDownloadOnce() throws Exception {
        server.slow(500);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CountDownLatch ready = new CountDownLatch(2);
        try {
            List<Future<Path>> installs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                installs.add(threads.submit(() -> {
                    ready.countDown();
                    ready.await();
                    return installer("1.41.0", null, false).install().executable();
                }));
            }
            Path first = installs.get(0).get(60, TimeUnit.SECONDS);
            assertEquals(first, installs.get(1).get(60, TimeUnit.SECONDS));
            assertEquals(1, server.assetDownloads());
            assertTrue(Files.isExecutable(first));
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aZipSlipEntryIsRejectedAndNothingIsInstalled() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("docs-builder", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
        entries.put("../../escaped.sh", "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8));
        server.publish("6.6.6", ASSET, ReleaseZips.zip(entries));
        CodexException e = assertThrows(CodexException.class, () -> installer("6.6.6", null, false).install().executable());
        assertEquals("The docs-builder archive downloaded from " + server.downloadUrl() + "/6.6.6/" + ASSET + " has an"
                + " entry '../../escaped.sh' that points outside its folder, so it was not installed; check that"
                + " <docsBuilderDownloadUrl> (codex.docsBuilderDownloadUrl) points at a trusted mirror.",
                e.getMessage());
        assertFalse(Files.exists(cache.resolve("6.6.6/linux-x64")));
        assertFalse(Files.exists(cache.resolve("escaped.sh")));
        assertFalse(Files.exists(cache.resolve("6.6.6/escaped.sh")));
    }

    @Test
    void aDownloadCutShortEveryTimeFailsAfterTheRetries() {
        server.cutNext(3);
        CodexException e = assertThrows(CodexException.class, () -> installer("1.41.0", null, false).install().executable());
        assertEquals("Could not download docs-builder 1.41.0 from " + server.downloadUrl() + "/1.41.0/" + ASSET
                + " (the download ended after " + zip.length / 2 + " of " + zip.length + " bytes, after 3 attempts);"
                + " check your network and the proxies in settings.xml, or set <executable> (codex.executable) to an"
                + " installed docs-builder.", e.getMessage());
        assertEquals(List.of(1000L, 2000L), pauses);
        assertFalse(Files.exists(cache.resolve("1.41.0/linux-x64")));
    }

    @Test
    void aDownloadThatStallsLongerThanTheTimeoutFailsAfterTheRetries() {
        server.slow(10_000);
        InstallSettings settings = new InstallSettings("1.41.0", server.downloadUrl(), null, cache, "Linux", "amd64",
                false, false);
        ReleaseDownloader impatient = new ReleaseDownloader(new HttpSettings(List.of(), Duration.ofSeconds(5),
                Duration.ofMillis(500), null), log, pauses::add);
        long started = System.nanoTime();
        CodexException e = assertThrows(CodexException.class,
                () -> new DocsBuilderInstaller(log, settings, impatient, System.out).install());
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(8).toNanos(), "did not wait for the stalled server");
        assertEquals("Could not download docs-builder 1.41.0 from " + server.downloadUrl() + "/1.41.0/" + ASSET
                + " (no data came in time after " + zip.length / 2 + " of " + zip.length + " bytes, after 3"
                + " attempts); check your network and the proxies in settings.xml, or set <executable>"
                + " (codex.executable) to an installed docs-builder.", e.getMessage());
        assertEquals(List.of(1000L, 2000L), pauses);
        assertEquals(3, server.assetDownloads());
        assertFalse(Files.exists(cache.resolve("1.41.0/linux-x64")));
    }

    @Test
    void aZipWithoutTheExecutableFails() {
        server.publish("2.0.0", ASSET, ReleaseZips.zip(Map.of("README.md", new byte[] {'x'})));
        CodexException e = assertThrows(CodexException.class, () -> installer("2.0.0", null, false).install().executable());
        assertTrue(e.getMessage().contains(" holds no docs-builder at its root;"), e.getMessage());
    }

    @Test
    void anUnsupportedPlatformFailsBeforeAnyRequest() {
        InstallSettings settings = new InstallSettings("1.41.0", server.downloadUrl(), null, cache, "Linux", "aarch64",
                false, false);
        CodexException e = assertThrows(CodexException.class, () -> installer(settings).install().executable());
        assertTrue(e.getMessage().contains("linux-arm64"), e.getMessage());
        assertEquals(List.of(), server.requests());
    }

    @Test
    void invalidSettingsFailNamingTheParameter() {
        assertTrue(assertThrows(CodexException.class, () -> installer("../1.0", null, false).install()).getMessage()
                .startsWith("<docsBuilderVersion> (codex.docsBuilderVersion) '../1.0' is not a version;"));
        assertTrue(assertThrows(CodexException.class, () -> installer("1.41.0", "abc", false).install()).getMessage()
                .startsWith("<docsBuilderSha256> (codex.docsBuilderSha256) 'abc' is not a SHA-256;"));
        InstallSettings ftp = new InstallSettings("1.41.0", "ftp://mirror/x", null, cache, "Linux", "amd64", false,
                false);
        assertTrue(assertThrows(CodexException.class, () -> installer(ftp).install()).getMessage()
                .startsWith("<docsBuilderDownloadUrl> (codex.docsBuilderDownloadUrl) 'ftp://mirror/x' is not an"));
    }

    @Test
    void interactiveBuildsShowProgressOnTheConsoleAndLogWhenTheDownloadEnded() {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        InstallSettings settings = new InstallSettings("1.41.0", server.downloadUrl(), null, cache, "Linux", "amd64",
                false, true);
        new DocsBuilderInstaller(log, settings, downloader(), new PrintStream(console, true, StandardCharsets.UTF_8))
                .install().executable();
        String shown = console.toString(StandardCharsets.UTF_8);
        assertTrue(shown.contains("\rdocs-builder: "), shown);
        assertTrue(shown.endsWith("\r"), "the progress line was not cleared: " + shown);
        List<String> info = log.at("INFO");
        assertEquals(3, info.size(), info.toString());
        assertTrue(info.get(0).startsWith("Downloading docs-builder 1.41.0 for linux-x64 from "), info.toString());
        assertTrue(info.get(1).startsWith("Downloaded docs-builder 1.41.0 ("), info.toString());
        assertTrue(info.get(2).startsWith("Using docs-builder 1.41.0 (linux-x64) at "), info.toString());
    }

    private DocsBuilderInstaller installer(String version, String sha256, boolean offline) {
        return installer(new InstallSettings(version, server.downloadUrl() + "/", sha256, cache, "Linux", "amd64",
                offline, false));
    }

    private DocsBuilderInstaller installer(InstallSettings settings) {
        return new DocsBuilderInstaller(log, settings, downloader(), System.out);
    }

    private ReleaseDownloader downloader() {
        return new ReleaseDownloader(new HttpSettings(List.of(), Duration.ofSeconds(5), Duration.ofSeconds(5), null),
                log, pauses::add);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
