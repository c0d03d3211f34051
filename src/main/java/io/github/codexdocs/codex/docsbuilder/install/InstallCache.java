package io.github.codexdocs.codex.docsbuilder.install;

import io.github.codexdocs.codex.CodexException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The installed docs-builder releases, one folder per version and platform:
 * {@code <root>/<version>/<platform>/} holds what the release zip held, plus {@code <executable>.sha256} with the
 * SHA-256 of the executable recorded at installation and {@code archive.sha256} with that of the zip. A folder
 * appears complete or not at all: it is assembled next to its final place and then renamed. Changes happen while
 * holding {@code <root>/<version>/<platform>.lock}, locked against other processes and other threads.
 */
final class InstallCache {
    static final String ARCHIVE_SHA256 = "archive.sha256";
    private static final ConcurrentHashMap<Path, ReentrantLock> THREAD_LOCKS = new ConcurrentHashMap<>();
    private static final long POLL_MILLIS = 100;

    /** An installed release. */
    record Installed(Path executable, String recordedSha256, String archiveSha256) {
    }

    /** Work done while holding a lock. */
    interface Locked<T> {
        T run();
    }

    private final Path root;
    private final Duration lockWait;

    InstallCache(Path root, Duration lockWait) {
        this.root = root.toAbsolutePath().normalize();
        this.lockWait = lockWait;
    }

    Path root() {
        return root;
    }

    Path directory(String version, Platform platform) {
        return root.resolve(version).resolve(platform.name());
    }

    /**
     * Runs {@code work} holding the lock of this version and platform; waits for another build (process or thread)
     * holding it, calling {@code waiting} once when it has to.
     */
    <T> T locked(String version, Platform platform, Consumer<Path> waiting, Locked<T> work) {
        Path lockFile = root.resolve(version).resolve(platform.name() + ".lock");
        ReentrantLock threadLock = THREAD_LOCKS.computeIfAbsent(lockFile, f -> new ReentrantLock());
        long deadline = System.nanoTime() + lockWait.toNanos();
        boolean told = false;
        if (!threadLock.tryLock()) {
            waiting.accept(lockFile);
            told = true;
            try {
                if (!threadLock.tryLock(lockWait.toNanos(), TimeUnit.NANOSECONDS)) {
                    throw stillInstalling(version, platform, lockFile);
                }
            } catch (InterruptedException e) {
                throw interrupted(version);
            }
        }
        try {
            Files.createDirectories(lockFile.getParent());
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = tryLock(channel);
                while (lock == null) {
                    if (!told) {
                        waiting.accept(lockFile);
                        told = true;
                    }
                    if (System.nanoTime() > deadline) {
                        throw stillInstalling(version, platform, lockFile);
                    }
                    Thread.sleep(POLL_MILLIS);
                    lock = tryLock(channel);
                }
                try {
                    return work.run();
                } finally {
                    lock.release();
                }
            }
        } catch (IOException e) {
            throw new CodexException("Could not lock " + lockFile + " to install docs-builder (" + e.getMessage()
                    + "); check that the folder is writable or set <docsBuilderCacheDirectory>"
                    + " (codex.docsBuilderCacheDirectory) to another one.");
        } catch (InterruptedException e) {
            throw interrupted(version);
        } finally {
            threadLock.unlock();
        }
    }

    private CodexException stillInstalling(String version, Platform platform, Path lockFile) {
        return new CodexException("Another build has been installing docs-builder " + version + " for " + platform
                + " for more than " + lockWait.toMinutes() + " minutes (it holds " + lockFile + "); wait for it to end,"
                + " or stop it and run the build again.");
    }

    private static CodexException interrupted(String version) {
        Thread.currentThread().interrupt();
        return new CodexException("Interrupted while waiting for another build to install docs-builder " + version
                + "; run the build again.");
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException heldInThisJvm) {
            return null;
        }
    }

    /** The installed release of this version and platform, if its folder is complete. */
    Optional<Installed> find(String version, Platform platform) {
        Path directory = directory(version, platform);
        Path executable = directory.resolve(platform.executableName());
        Path recorded = shaFile(executable);
        if (!Files.isRegularFile(recorded)) {
            return Optional.empty();
        }
        try {
            Path archive = directory.resolve(ARCHIVE_SHA256);
            return Optional.of(new Installed(executable, firstWord(recorded),
                    Files.isRegularFile(archive) ? firstWord(archive) : ""));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether the executable still has the SHA-256 recorded when it was installed. */
    static boolean intact(Installed installed) {
        try {
            return Files.isRegularFile(installed.executable())
                    && sha256(installed.executable()).equals(installed.recordedSha256());
        } catch (IOException e) {
            return false;
        }
    }

    /** A new temporary file in the version's folder, for a download; deleted by the caller. */
    Path temporaryDownload(String version, Platform platform) throws IOException {
        Path folder = root.resolve(version);
        Files.createDirectories(folder);
        return Files.createTempFile(folder, ".download-" + platform.name() + "-", ".zip");
    }

    /** A new temporary folder in the version's folder, to assemble an installation in. */
    Path temporaryFolder(String version, Platform platform) throws IOException {
        Path folder = root.resolve(version);
        Files.createDirectories(folder);
        return Files.createTempDirectory(folder, ".staging-" + platform.name() + "-");
    }

    /** Removes what an interrupted installation of this version and platform left behind; call under the lock. */
    void removeLeftovers(String version, Platform platform) {
        Path folder = root.resolve(version);
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> files = Files.list(folder)) {
            files.filter(f -> f.getFileName().toString().startsWith(".download-" + platform.name() + "-")
                            || f.getFileName().toString().startsWith(".staging-" + platform.name() + "-"))
                    .forEach(InstallCache::deleteQuietly);
        } catch (IOException ignored) {
            // leftovers only take space
        }
    }

    /**
     * Completes an installation assembled in {@code staging}: makes the executable executable, records its SHA-256
     * and the archive's, and renames the folder into place, replacing an older installation. Call under the lock.
     */
    Installed commit(Path staging, String version, Platform platform, String archiveSha256) throws IOException {
        Path stagedExecutable = staging.resolve(platform.executableName());
        PosixFileAttributeView posix = Files.getFileAttributeView(stagedExecutable, PosixFileAttributeView.class);
        if (posix != null) {
            posix.setPermissions(PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        String sha256 = sha256(stagedExecutable);
        Files.writeString(shaFile(stagedExecutable), sha256 + "  " + platform.executableName() + "\n",
                StandardCharsets.UTF_8);
        Files.writeString(staging.resolve(ARCHIVE_SHA256), archiveSha256 + "  " + platform.assetName() + "\n",
                StandardCharsets.UTF_8);
        Path directory = directory(version, platform);
        if (Files.exists(directory)) {
            deleteRecursively(directory);
        }
        try {
            Files.move(staging, directory, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(staging, directory);
        }
        Path executable = directory.resolve(platform.executableName());
        return new Installed(executable, sha256, archiveSha256);
    }

    static Path shaFile(Path executable) {
        return executable.resolveSibling(executable.getFileName() + ".sha256");
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String firstWord(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8).trim();
        int space = text.indexOf(' ');
        return space < 0 ? text : text.substring(0, space);
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(file);
            }
        }
    }

    static void deleteQuietly(Path path) {
        try {
            deleteRecursively(path);
        } catch (IOException | UncheckedIOException ignored) {
            // a leftover only takes space
        }
    }
}
