package io.github.codexdocs.codex.docsbuilder.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexdocs.codex.CodexException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lock of {@link InstallCache}: waits for the other holder, within a deadline, and can be interrupted; and the
 * removal of what an interrupted installation left behind.
 */
@Timeout(30)
class InstallCacheTest {
    private static final Platform LINUX = Platform.of("Linux", "amd64");

    @TempDir
    Path temp;

    private final List<Path> waits = new CopyOnWriteArrayList<>();

    @Test
    void aThreadHoldingTheLockPastTheDeadlineFailsTheWaiter() throws Exception {
        InstallCache cache = new InstallCache(temp, Duration.ofMillis(300));
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> holder = holdLock(cache, release);
        try {
            long started = System.nanoTime();
            CodexException e = assertThrows(CodexException.class,
                    () -> cache.locked("1.0.0", LINUX, waits::add, () -> "never"));
            assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(300), "waited for the deadline");
            assertTrue(e.getMessage().startsWith("Another build has been installing docs-builder 1.0.0 for linux-x64"),
                    e.getMessage());
            assertEquals(List.of(temp.resolve("1.0.0").resolve("linux-x64.lock")), waits, "told once that it waits");
        } finally {
            release.countDown();
        }
        assertEquals("held", holder.get(10, TimeUnit.SECONDS));
        assertEquals("free again", cache.locked("1.0.0", LINUX, waits::add, () -> "free again"));
    }

    @Test
    void aFileLockHeldElsewherePastTheDeadlineFailsTheWaiter() throws Exception {
        InstallCache cache = new InstallCache(temp, Duration.ofMillis(300));
        Path lockFile = temp.resolve("1.0.0").resolve("linux-x64.lock");
        Files.createDirectories(lockFile.getParent());
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = channel.lock()) {
            CodexException e = assertThrows(CodexException.class,
                    () -> cache.locked("1.0.0", LINUX, waits::add, () -> "never"));
            assertTrue(e.getMessage().contains("(it holds " + lockFile + ")"), e.getMessage());
            assertTrue(held.isValid());
        }
        assertEquals(List.of(lockFile), waits);
    }

    @Test
    void aWaitingThreadCanBeInterrupted() throws Exception {
        InstallCache cache = new InstallCache(temp, Duration.ofMinutes(10));
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> holder = holdLock(cache, release);
        try {
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            Thread waiter = new Thread(() -> {
                try {
                    cache.locked("1.0.0", LINUX, waits::add, () -> "never");
                    failure.complete(null);
                } catch (CodexException e) {
                    failure.complete(Thread.currentThread().isInterrupted() ? e : new AssertionError("flag lost"));
                }
            });
            waiter.start();
            while (waits.isEmpty()) {
                Thread.sleep(10);
            }
            waiter.interrupt();
            Throwable e = failure.get(10, TimeUnit.SECONDS);
            assertEquals("Interrupted while waiting for another build to install docs-builder 1.0.0; run the build"
                    + " again.", e.getMessage());
        } finally {
            release.countDown();
        }
        assertEquals("held", holder.get(10, TimeUnit.SECONDS));
    }

    @Test
    void leftoversOfAnInterruptedInstallOfThisPlatformAreRemovedAndOthersKept() throws IOException {
        InstallCache cache = new InstallCache(temp, Duration.ofMillis(300));
        Path download = cache.temporaryDownload("1.0.0", LINUX);
        Files.write(download, new byte[] {'P', 'K'});
        Path staging = cache.temporaryFolder("1.0.0", LINUX);
        Files.createDirectories(staging.resolve("licenses"));
        Files.writeString(staging.resolve("licenses/LICENSE.txt"), "half extracted");
        Platform mac = Platform.of("Mac OS X", "aarch64");
        Path otherPlatformsDownload = cache.temporaryDownload("1.0.0", mac);
        Path otherVersionsStaging = cache.temporaryFolder("2.0.0", LINUX);
        assertTrue(download.getFileName().toString().startsWith(".download-linux-x64-"), download.toString());
        assertTrue(staging.getFileName().toString().startsWith(".staging-linux-x64-"), staging.toString());

        cache.removeLeftovers("1.0.0", LINUX);

        assertFalse(Files.exists(download), "the partial download is left");
        assertFalse(Files.exists(staging), "the half-extracted folder is left");
        assertTrue(Files.exists(otherPlatformsDownload), "another platform's install may still be running");
        assertTrue(Files.exists(otherVersionsStaging), "another version's install may still be running");
    }

    /** Another thread holding the lock of 1.0.0 until {@code release} counts down; returned once it holds it. */
    private CompletableFuture<String> holdLock(InstallCache cache, CountDownLatch release) throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(1);
        CompletableFuture<String> holder = CompletableFuture.supplyAsync(() -> cache.locked("1.0.0", LINUX, waits::add,
                () -> {
                    holding.countDown();
                    await(release);
                    return "held";
                }));
        assertTrue(holding.await(10, TimeUnit.SECONDS), "the other thread took the lock");
        return holder;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
