package io.github.codexdocs.codex.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexdocs.codex.docsbuilder.install.Platform;
import io.github.codexdocs.codex.testworld.ForwardProxy;
import io.github.codexdocs.codex.testworld.ReleaseServer;
import io.github.codexdocs.codex.testworld.docsbuilder.ReleaseZips;
import io.github.codexdocs.codex.testworld.docsbuilder.StandInLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Real Maven builds in which {@code codex:build} installs docs-builder from a loopback stand-in for GitHub releases
 * (with GitHub's redirect to another host), whose zips hold the docs-builder stand-in's launcher. Every scenario keeps
 * its installations in its own cache folder, but the one for the default cache, which installs a version of its own
 * into the local repository that the ITs share. Not on Windows: the release zip's executable is a shell script.
 */
@DisabledOnOs(OS.WINDOWS)
class InstallIT {
    private static final Path WORK = Path.of(System.getProperty("codex.it.work", "target/it")).toAbsolutePath();
    private static final Platform PLATFORM = Platform.of(System.getProperty("os.name"), System.getProperty("os.arch"));
    private static final String WAITING = "Waiting for another build to finish installing docs-builder";
    private static byte[] release;

    private ReleaseServer server;

    @BeforeAll
    static void buildRelease() {
        release = ReleaseZips.standIn(WORK.resolve("install-release"));
    }

    @BeforeEach
    void startReleases() {
        server = ReleaseServer.start().publish("1.41.0", PLATFORM.assetName(), release);
    }

    @AfterEach
    void stopReleases() {
        server.close();
    }

    /** A scenario that installs from the release server into its own cache folder. */
    private Scenario scenario(String name) {
        Scenario scenario = installingFromTheReleaseServer(name);
        return scenario.property("codex.docsBuilderCacheDirectory", cache(scenario).toString());
    }

    /** A scenario that installs from the release server into the default cache, in the ITs' local repository. */
    private Scenario installingFromTheReleaseServer(String name) {
        Scenario scenario = Scenario.of(name);
        return scenario.installs()
                .property("codex.docsBuilderDownloadUrl", server.downloadUrl())
                .env("STANDIN_RECORD", scenario.directory().resolve("record.json").toString());
    }

    private static Path cache(Scenario scenario) {
        return scenario.directory().resolve("docs-builder-cache");
    }

    private static Path installed(Path cache, String version) {
        return cache.resolve(version).resolve(PLATFORM.name()).resolve(PLATFORM.executableName());
    }

    /** Counts {@code arrivals} down at each log line that shows a build taking the install lock or waiting for it. */
    private static Consumer<String> countingArrivalsAtTheLock(CountDownLatch arrivals) {
        return line -> {
            if (line.contains(WAITING) || line.contains("[INFO] Downloading docs-builder ")) {
                arrivals.countDown();
            }
        };
    }

    private static long linesContaining(Scenario.Build build, String text) {
        return build.log().lines().filter(line -> line.contains(text)).count();
    }

    private String assetUrl(String version) {
        return server.downloadUrl() + "/" + version + "/" + PLATFORM.assetName();
    }

    @Test
    void theFirstBuildDownloadsOnceAndTheNextMakesNoRequest() {
        Scenario scenario = scenario("install-first-run");
        Path executable = installed(cache(scenario), "1.41.0");
        Scenario.Build first = scenario.run("codex:build").succeeded()
                .logContains("[INFO] Using docs-builder 1.41.0 (" + PLATFORM + ") at " + executable)
                .logContains("[INFO] Running " + executable + " --output ")
                .logContains("Documentation built in ")
                .logLacks("\r");
        assertEquals(List.of("[INFO] Downloading docs-builder 1.41.0 for " + PLATFORM + " from " + assetUrl("1.41.0")),
                first.log().lines().filter(line -> line.startsWith("[INFO]")
                        && (line.contains("ownloading docs-builder") || line.contains("ownloaded docs-builder")))
                        .toList(), "a batch build logs one line per download");
        assertTrue(Files.isRegularFile(first.directory().resolve("record.json")), "docs-builder did not run");
        assertEquals(List.of("GET /releases/download/1.41.0/" + PLATFORM.assetName(),
                "GET /assets/1.41.0/" + PLATFORM.assetName()), server.requests());

        scenario.run("codex:build").succeeded()
                .logContains("[INFO] Using docs-builder 1.41.0 (" + PLATFORM + ") at " + executable)
                .logLacks("Downloading docs-builder");
        assertEquals(2, server.requests().size(), "the second build made requests: " + server.requests());
    }

    @Test
    void byDefaultTheReleaseIsKeptInTheLocalRepositoryAndSurvivesClean() throws IOException {
        // A version of this test's own: the ITs share the local repository, and so the default cache.
        String version = "1.41.0-default-cache-it";
        server.publish(version, PLATFORM.assetName(), release);
        Path versionFolder = Path.of(System.getProperty("codex.it.localRepository")).toAbsolutePath()
                .resolve("io/github/codexdocs/docs-builder").resolve(version);
        Scenario.deleteRecursively(versionFolder);
        Path executable = versionFolder.resolve(PLATFORM.name()).resolve(PLATFORM.executableName());
        Scenario scenario = installingFromTheReleaseServer("install-default-cache")
                .property("codex.docsBuilderVersion", version);

        scenario.run("codex:build").succeeded()
                .logContains("[INFO] Downloading docs-builder " + version + " for " + PLATFORM + " from "
                        + assetUrl(version))
                .logContains("[INFO] Using docs-builder " + version + " (" + PLATFORM + ") at " + executable)
                .logContains("Documentation built in ");
        assertTrue(Files.isExecutable(executable), "not installed at " + executable);
        assertEquals(2, server.requests().size(), server.requests().toString());

        scenario.run("clean", "codex:build").succeeded()
                .logContains("[INFO] Deleting " + scenario.directory().resolve("target"))
                .logContains("[INFO] Using docs-builder " + version + " (" + PLATFORM + ") at " + executable)
                .logContains("Documentation built in ")
                .logLacks("Downloading docs-builder");
        assertEquals(2, server.requests().size(), "the build after mvn clean made requests: " + server.requests());
    }

    @Test
    void latestInstallsTheVersionItRedirectsTo() {
        server.publish("1.42.0", PLATFORM.assetName(), release);
        Scenario scenario = scenario("install-latest");
        scenario.run("codex:build").succeeded()
                .logContains("[INFO] Using docs-builder 1.42.0 (" + PLATFORM + ") at "
                        + installed(cache(scenario), "1.42.0"));
        assertEquals("GET /releases/latest", server.requests().get(0));
    }

    @Test
    void aMissingReleaseNamesTheUrlAndTheVersion() {
        scenario("install-not-found").run("codex:build").failed()
                .logContains("docs-builder 9.9.9 was not found at " + assetUrl("9.9.9") + " (HTTP 404); check that"
                        + " <docsBuilderVersion> (codex.docsBuilderVersion) is a released version and that"
                        + " <docsBuilderDownloadUrl> (codex.docsBuilderDownloadUrl) points at the releases.")
                .logLacks("Running ");
    }

    @Test
    void aDownloadThatAlwaysEndsEarlyFailsAfterTheRetries() {
        server.cutNext(3);
        Scenario scenario = scenario("install-truncated");
        scenario.run("codex:build").failed()
                .logContains("[WARNING] Request to " + assetUrl("1.41.0") + " failed (the download ended after ")
                .logContains("Could not download docs-builder 1.41.0 from " + assetUrl("1.41.0") + " (the download"
                        + " ended after " + release.length / 2 + " of " + release.length + " bytes, after 3 attempts);"
                        + " check your network and the proxies in settings.xml, or set <executable>"
                        + " (codex.executable) to an installed docs-builder.");
        assertFalse(Files.exists(installed(cache(scenario), "1.41.0").getParent()));
    }

    @Test
    void aWrongSha256IsNotInstalled() {
        Scenario scenario = scenario("install-wrong-sha256");
        scenario.run("codex:build").failed()
                .logContains("The docs-builder archive downloaded from " + assetUrl("1.41.0") + " has SHA-256 ")
                .logContains(" but <docsBuilderSha256> (codex.docsBuilderSha256) expects " + "0".repeat(64)
                        + "; check the value or the mirror.")
                .logLacks("Running ");
        assertFalse(Files.exists(installed(cache(scenario), "1.41.0").getParent()));
    }

    @Test
    void aTamperedCachedBinaryIsInstalledAgain() throws IOException {
        Scenario scenario = scenario("install-tampered");
        scenario.run("codex:build").succeeded();
        Path executable = installed(cache(scenario), "1.41.0");
        Files.writeString(executable, "#!/bin/sh\nexit 0\n", StandardCharsets.UTF_8);
        scenario.run("codex:build").succeeded()
                .logContains("[WARNING] The cached docs-builder " + executable + " does not match the SHA-256 recorded"
                        + " when it was installed; installing it again.")
                .logContains("Documentation built in ");
        assertEquals(2, server.assetDownloads());
    }

    @Test
    void offlineBuildsUseTheCacheAndNeverDownload() {
        Scenario scenario = scenario("install-offline");
        // Online once without running the goal, so that Maven has the plugin for the offline builds.
        scenario.property("codex.skip", "true").run("codex:build").succeeded();
        Scenario offline = scenario("install-offline").offline();
        Path cache = cache(offline);
        offline.run("codex:build").failed()
                .logContains("docs-builder 1.41.0 for " + PLATFORM + " is not installed in " + cache + " and Maven is"
                        + " offline; run the build once online to install it, or set <executable> (codex.executable)"
                        + " to an installed docs-builder.");
        assertEquals(List.of(), server.requests());

        Scenario online = scenario("install-offline").property("codex.docsBuilderCacheDirectory", cache.toString());
        online.run("codex:build").succeeded();
        int requests = server.requests().size();
        offline.run("codex:build").succeeded()
                .logContains("[INFO] Using docs-builder 1.41.0 (" + PLATFORM + ") at " + installed(cache, "1.41.0"));
        assertEquals(requests, server.requests().size(), "the offline build made requests");
    }

    @Test
    void downloadsGoThroughTheProxyOfSettingsXml() {
        try (ForwardProxy proxy = ForwardProxy.start()) {
            scenario("install-proxy").httpProxy("127.0.0.1", proxy.proxyPort(), null).run("codex:build").succeeded()
                    .logContains("Documentation built in ");
            assertEquals(List.of(assetUrl("1.41.0"), "http://127.0.0.1:" + server.assetsPort() + "/assets/1.41.0/"
                    + PLATFORM.assetName()), proxy.requested());
            assertEquals(1, server.assetDownloads());
        }
    }

    @Test
    void nonProxyHostsAreReachedDirectly() {
        try (ForwardProxy proxy = ForwardProxy.start()) {
            scenario("install-non-proxy-hosts").httpProxy("127.0.0.1", proxy.proxyPort(), "localhost|127.0.0.*")
                    .run("codex:build").succeeded();
            assertEquals(List.of(), proxy.requested());
            assertEquals(1, server.assetDownloads());
        }
    }

    @Test
    void twoMavenProcessesInstallingAtOnceDownloadOnceAndTheSecondWaits() throws Exception {
        // The first build holds the install lock while its download is held; the second starts only then. The
        // request timeout outlasts a slow start of the second Maven on a busy machine.
        server.holdAssets();
        Path cache = WORK.resolve("install-concurrent-cache");
        Scenario.deleteRecursively(cache);
        Scenario first = scenario("install-concurrent").property("codex.docsBuilderCacheDirectory", cache.toString())
                .property("codex.docsBuilderRequestTimeout", "300");
        CountDownLatch secondAtTheLock = new CountDownLatch(1);
        Scenario second = scenario("install-concurrent").property("codex.docsBuilderCacheDirectory", cache.toString())
                .property("codex.docsBuilderRequestTimeout", "300").onLine(countingArrivalsAtTheLock(secondAtTheLock));
        ExecutorService builds = Executors.newFixedThreadPool(2);
        try {
            Future<Scenario.Build> one;
            Future<Scenario.Build> two;
            try {
                one = builds.submit(() -> first.run("codex:build"));
                assertTrue(server.awaitAssetDownloads(1, Duration.ofMinutes(2)), "the first build did not download");
                two = builds.submit(() -> second.run("codex:build"));
                assertTrue(secondAtTheLock.await(2, TimeUnit.MINUTES), "the second build did not reach the lock");
            } finally {
                server.releaseAssets();
            }
            List<Scenario.Build> done = List.of(one.get(5, TimeUnit.MINUTES), two.get(5, TimeUnit.MINUTES));
            for (Scenario.Build build : done) {
                build.succeeded().logContains("[INFO] Using docs-builder 1.41.0 (" + PLATFORM + ") at "
                        + installed(cache, "1.41.0"));
            }
            assertEquals(1, server.assetDownloads());
            assertEquals(List.of(false, true), done.stream().map(build -> build.log().contains(WAITING)).toList(),
                    "exactly the second build waited for the first");
        } finally {
            builds.shutdownNow();
        }
    }

    @Test
    void twoModulesBuiltInParallelInstallIntoOneCacheWithOneDownload() throws Exception {
        // The download is held until the other module waits for the lock, so both really install at once.
        server.holdAssets();
        CountDownLatch bothAtTheLock = new CountDownLatch(2);
        Scenario scenario = scenario("install-multi-module").threads(2)
                .property("codex.docsBuilderRequestTimeout", "300").onLine(countingArrivalsAtTheLock(bothAtTheLock));
        Path executable = installed(cache(scenario), "1.41.0");
        ExecutorService maven = Executors.newSingleThreadExecutor();
        try {
            Future<Scenario.Build> running = maven.submit(() -> scenario.run("validate"));
            try {
                assertTrue(bothAtTheLock.await(2, TimeUnit.MINUTES), "the modules did not both reach the lock");
            } finally {
                server.releaseAssets();
            }
            Scenario.Build build = running.get(5, TimeUnit.MINUTES).succeeded();
            assertEquals(1, server.assetDownloads());
            assertEquals(1, linesContaining(build, WAITING), "one module waited for the other");
            assertEquals(2, linesContaining(build, "[INFO] Using docs-builder 1.41.0 (" + PLATFORM + ") at "
                    + executable), "both modules use the installed release");
            for (String module : List.of("guide", "reference")) {
                assertTrue(Files.isRegularFile(build.directory().resolve(module + "/target/docs/html/links.json")),
                        module + " was not built");
            }
        } finally {
            maven.shutdownNow();
        }
    }

    @Test
    void anExplicitExecutableIsUsedAndNothingIsInstalled() {
        Path launcher = StandInLauncher.install(WORK.resolve("install-explicit-bin"));
        Scenario scenario = scenario("install-explicit-executable").property("codex.executable", launcher.toString());
        scenario.run("codex:build").succeeded()
                .logContains("[INFO] Running " + launcher + " --output ")
                .logLacks("Using docs-builder")
                .logLacks("Downloading docs-builder");
        assertEquals(List.of(), server.requests());
        assertFalse(Files.exists(cache(scenario)));
    }

    @Test
    void aZipEntryOutsideItsFolderIsRejected() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(PLATFORM.executableName(), "#!/bin/sh\nexit 0\n".getBytes(StandardCharsets.UTF_8));
        entries.put("../../../escaped.sh", "#!/bin/sh\nexit 0\n".getBytes(StandardCharsets.UTF_8));
        server.publish("6.6.6", PLATFORM.assetName(), ReleaseZips.zip(entries));
        Scenario scenario = scenario("install-zip-slip");
        scenario.run("codex:build").failed()
                .logContains("The docs-builder archive downloaded from " + assetUrl("6.6.6") + " has an entry"
                        + " '../../../escaped.sh' that points outside its folder, so it was not installed; check that"
                        + " <docsBuilderDownloadUrl> (codex.docsBuilderDownloadUrl) points at a trusted mirror.");
        assertFalse(Files.exists(scenario.directory().resolve("escaped.sh")));
        assertFalse(Files.exists(installed(cache(scenario), "6.6.6").getParent()));
    }
}
