package io.github.codexdocs.codex.docsbuilder.install;

import io.github.codexdocs.codex.BuildLog;
import io.github.codexdocs.codex.CodexException;
import io.github.codexdocs.codex.http.HttpSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.ZipException;

/**
 * Installs the configured docs-builder release for this platform into the cache, or finds it there, and returns its
 * executable.
 *
 * <p>{@code latest} is resolved to a concrete version by asking {@code <downloadUrl without /download>/latest} without
 * following its redirect: GitHub answers {@code /releases/latest} with a redirect to {@code /releases/tag/<version>}.
 * An installation is downloaded into the cache folder, checked against the configured SHA-256, extracted beside its
 * final place and renamed into it, all under a file lock, so parallel builds never see half an installation and
 * download it once. The executable's SHA-256 is recorded and checked again on every use.
 *
 * <p>A download logs one line when it starts; interactive builds also show its progress and log its size and duration
 * when it ends, batch builds ({@code -B}) log those at debug level only.
 */
public final class DocsBuilderInstaller {
    private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z._+-]*");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final String VERSION_SETTING = "<docsBuilderVersion> (codex.docsBuilderVersion)";
    private static final String URL_SETTING = "<docsBuilderDownloadUrl> (codex.docsBuilderDownloadUrl)";
    private static final String SHA_SETTING = "<docsBuilderSha256> (codex.docsBuilderSha256)";
    private static final String EXECUTABLE_SETTING = "<executable> (codex.executable)";

    private final BuildLog log;
    private final InstallSettings settings;
    private final ReleaseDownloader downloader;
    private final PrintStream console;

    /**
     * @param console where interactive builds show download progress
     */
    public DocsBuilderInstaller(BuildLog log, InstallSettings settings, HttpSettings http, PrintStream console) {
        this(log, settings, new ReleaseDownloader(http, log), console);
    }

    DocsBuilderInstaller(BuildLog log, InstallSettings settings, ReleaseDownloader downloader, PrintStream console) {
        this.log = log;
        this.settings = settings;
        this.downloader = downloader;
        this.console = console;
    }

    /**
     * A docs-builder to run: the concrete version of an installed release ({@code latest} resolved), or null for a
     * configured executable, whose version is not known; and its executable.
     */
    public record Installation(String version, Path executable) {
        /** The version and path, for people. */
        public String describe() {
            return version == null ? executable + " (configured <executable>)" : version + " at " + executable;
        }
    }

    /** The configured release, installed first when needed; logs its version and path. */
    public Installation install() {
        Platform platform = Platform.of(settings.osName(), settings.osArch());
        String downloadUrl = downloadUrl();
        String expectedSha256 = expectedSha256();
        String version = version(downloadUrl);
        InstallCache cache = new InstallCache(settings.cacheDirectory(), Duration.ofMinutes(10));
        InstallCache.Installed installed = cache.locked(version, platform,
                lockFile -> log.info("Waiting for another build to finish installing docs-builder " + version + " ("
                        + lockFile + ")."),
                () -> installLocked(cache, version, platform, downloadUrl, expectedSha256));
        log.info("Using docs-builder " + version + " (" + platform + ") at " + installed.executable());
        return new Installation(version, installed.executable());
    }

    private InstallCache.Installed installLocked(InstallCache cache, String version, Platform platform,
                                                 String downloadUrl, String expectedSha256) {
        Optional<InstallCache.Installed> cached = cache.find(version, platform);
        if (cached.isPresent()) {
            InstallCache.Installed found = cached.get();
            boolean intact = InstallCache.intact(found);
            boolean archiveMatches = expectedSha256 == null || expectedSha256.equals(found.archiveSha256());
            if (intact && archiveMatches) {
                return found;
            }
            String problem = !intact
                    ? "The cached docs-builder " + found.executable() + " does not match the SHA-256 recorded when it"
                            + " was installed"
                    : "The cached docs-builder " + version + " was installed from an archive with SHA-256 "
                            + found.archiveSha256() + ", not the " + expectedSha256 + " that " + SHA_SETTING
                            + " expects";
            if (settings.offline()) {
                throw new CodexException(problem + ", and Maven is offline so it cannot be installed again; delete "
                        + cache.directory(version, platform) + " and run the build once online, or set "
                        + EXECUTABLE_SETTING + " to an installed docs-builder.");
            }
            log.warn(problem + "; installing it again.");
        } else if (settings.offline()) {
            throw new CodexException("docs-builder " + version + " for " + platform + " is not installed in "
                    + cache.root() + " and Maven is offline; run the build once online to install it, or set "
                    + EXECUTABLE_SETTING + " to an installed docs-builder.");
        }
        cache.removeLeftovers(version, platform);
        URI url = URI.create(downloadUrl + "/" + version + "/" + platform.assetName());
        Path zip = null;
        Path staging = null;
        try {
            zip = cache.temporaryDownload(version, platform);
            log.info("Downloading docs-builder " + version + " for " + platform + " from " + url);
            long started = System.nanoTime();
            ReleaseDownloader.Download download = downloader.download(url, zip, settings.interactive()
                    ? DownloadProgress.console(console, System::nanoTime) : DownloadProgress.NONE);
            String downloaded = String.format(Locale.ROOT, "Downloaded docs-builder %s (%s) in %.1f s", version,
                    DownloadProgress.megabytes(download.bytes()), (System.nanoTime() - started) / 1e9);
            if (settings.interactive()) {
                log.info(downloaded);
            } else {
                log.debug(downloaded); // batch mode: one line per download, the one above
            }
            if (expectedSha256 != null && !expectedSha256.equals(download.sha256())) {
                throw new CodexException("The docs-builder archive downloaded from " + url + " has SHA-256 "
                        + download.sha256() + " but " + SHA_SETTING + " expects " + expectedSha256
                        + "; check the value or the mirror.");
            }
            staging = cache.temporaryFolder(version, platform);
            ZipExtractor.extract(zip, staging);
            if (!Files.isRegularFile(staging.resolve(platform.executableName()))) {
                throw new CodexException("The docs-builder archive downloaded from " + url + " holds no "
                        + platform.executableName() + " at its root; check " + URL_SETTING + " and "
                        + VERSION_SETTING + ".");
            }
            InstallCache.Installed installed = cache.commit(staging, version, platform, download.sha256());
            staging = null;
            return installed;
        } catch (DownloadFailure.Exception e) {
            throw new CodexException(downloadFailureMessage(e.failure(), version));
        } catch (ZipExtractor.EscapingEntryException e) {
            throw new CodexException("The docs-builder archive downloaded from " + url + " has an entry '" + e.entry()
                    + "' that points outside its folder, so it was not installed; check that " + URL_SETTING
                    + " points at a trusted mirror.");
        } catch (ZipException e) {
            throw new CodexException("The docs-builder archive downloaded from " + url + " is not a readable zip file;"
                    + " check that " + URL_SETTING + " serves docs-builder release assets.");
        } catch (IOException e) {
            throw new CodexException("Could not install docs-builder " + version + " into " + cache.root() + " ("
                    + e.getMessage() + "); check that the folder is writable or set <docsBuilderCacheDirectory>"
                    + " (codex.docsBuilderCacheDirectory) to another one.");
        } finally {
            if (zip != null) {
                InstallCache.deleteQuietly(zip);
            }
            if (staging != null) {
                InstallCache.deleteQuietly(staging);
            }
        }
    }

    private String version(String downloadUrl) {
        String version = settings.version() == null ? "" : settings.version().trim();
        if (version.equalsIgnoreCase("latest")) {
            if (settings.offline()) {
                throw new CodexException("docs-builder version 'latest' cannot be resolved while Maven is offline; set "
                        + VERSION_SETTING + " to an installed version, or run the build online.");
            }
            URI latest = URI.create((downloadUrl.endsWith("/download")
                    ? downloadUrl.substring(0, downloadUrl.length() - "/download".length()) : downloadUrl) + "/latest");
            try {
                version = downloader.latestVersion(latest);
            } catch (DownloadFailure.Exception e) {
                DownloadFailure failure = e.failure();
                throw new CodexException("Could not resolve the latest docs-builder version from " + latest + " ("
                        + failure.reason() + attempts(failure) + "); set " + VERSION_SETTING
                        + " to a release version, or check " + URL_SETTING + " and your proxy settings.");
            }
            if (!validVersion(version)) {
                throw new CodexException("The latest docs-builder release at " + latest + " has the tag '" + version
                        + "', which is not a version; set " + VERSION_SETTING + " to a release version.");
            }
            log.debug("docs-builder version latest resolved to " + version);
            return version;
        }
        if (!validVersion(version)) {
            throw new CodexException(VERSION_SETTING + " '" + settings.version() + "' is not a version; use a release"
                    + " version such as 1.41.0, or latest.");
        }
        return version;
    }

    private static boolean validVersion(String version) {
        return VERSION.matcher(version).matches() && !version.contains("..");
    }

    private String downloadUrl() {
        String url = settings.downloadUrl() == null ? "" : settings.downloadUrl().trim();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        try {
            URI uri = URI.create(url);
            if (uri.getHost() == null || !("http".equalsIgnoreCase(uri.getScheme())
                    || "https".equalsIgnoreCase(uri.getScheme()))) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new CodexException(URL_SETTING + " '" + settings.downloadUrl() + "' is not an http(s) URL; use one"
                    + " like https://github.com/elastic/docs-builder/releases/download.");
        }
        return url;
    }

    private String expectedSha256() {
        String sha256 = settings.sha256();
        if (sha256 == null || sha256.isBlank()) {
            return null;
        }
        if (!SHA256.matcher(sha256.trim()).matches()) {
            throw new CodexException(SHA_SETTING + " '" + sha256 + "' is not a SHA-256; use the 64 hex digits of the"
                    + " release zip's SHA-256.");
        }
        return sha256.trim().toLowerCase(Locale.ROOT);
    }

    private static String downloadFailureMessage(DownloadFailure failure, String version) {
        if (failure.status() == 404) {
            return "docs-builder " + version + " was not found at " + failure.url() + " (HTTP 404); check that "
                    + VERSION_SETTING + " is a released version and that " + URL_SETTING + " points at the releases.";
        }
        return "Could not download docs-builder " + version + " from " + failure.url() + " (" + failure.reason()
                + attempts(failure) + "); check your network and the proxies in settings.xml, or set "
                + EXECUTABLE_SETTING + " to an installed docs-builder.";
    }

    private static String attempts(DownloadFailure failure) {
        return failure.attempts() > 1 ? ", after " + failure.attempts() + " attempts" : "";
    }
}
