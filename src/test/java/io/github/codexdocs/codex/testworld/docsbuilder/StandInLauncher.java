package io.github.codexdocs.codex.testworld.docsbuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;

/**
 * Installs launchers named like the real executable ({@code docs-builder}, {@code docs-builder.cmd}) that run
 * {@link DocsBuilderStandIn} on the JVM running the tests, from the test-classes directory.
 */
public final class StandInLauncher {

    /** JVM options that make the stand-in start fast; it does little work. */
    public static final List<String> JVM_OPTIONS =
            List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto");

    private StandInLauncher() {
    }

    /** Whether the tests run on Windows, where {@link #install} returns {@code docs-builder.cmd}. */
    public static boolean windows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
    }

    /**
     * Writes {@code docs-builder} (POSIX sh, mode 755) and {@code docs-builder.cmd} into {@code binDir}
     * (created if needed).
     *
     * @return the launcher for this platform: {@code binDir/docs-builder}, or {@code binDir/docs-builder.cmd}
     *         on Windows
     */
    public static Path install(Path binDir) {
        try {
            Files.createDirectories(binDir);
            String java = javaExecutable();
            String classpath = classpath().toString();
            String main = DocsBuilderStandIn.class.getName();

            StringBuilder sh = new StringBuilder("#!/bin/sh\n# docs-builder stand-in for tests\nexec ")
                    .append(shQuote(java));
            JVM_OPTIONS.forEach(o -> sh.append(' ').append(o));
            sh.append(" -cp ").append(shQuote(classpath)).append(' ').append(main).append(" \"$@\"\n");
            Path unix = binDir.resolve("docs-builder");
            Files.writeString(unix, sh, StandardCharsets.UTF_8);
            if (Files.getFileAttributeView(unix, PosixFileAttributeView.class) != null) {
                Files.setPosixFilePermissions(unix, PosixFilePermissions.fromString("rwxr-xr-x"));
            }

            StringBuilder cmd = new StringBuilder("@echo off\r\nrem docs-builder stand-in for tests\r\n\"")
                    .append(java).append('"');
            JVM_OPTIONS.forEach(o -> cmd.append(' ').append(o));
            cmd.append(" -cp \"").append(classpath).append("\" ").append(main).append(" %*\r\n")
                    .append("exit /b %ERRORLEVEL%\r\n");
            Path win = binDir.resolve("docs-builder.cmd");
            Files.writeString(win, cmd, StandardCharsets.UTF_8);

            return windows() ? win : unix;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The java executable of the running JVM. */
    static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .filter(c -> Files.isExecutable(Path.of(c)))
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", windows() ? "java.exe" : "java")
                        .toString());
    }

    /** The absolute classpath entry (test-classes directory) holding {@link DocsBuilderStandIn}. */
    static Path classpath() {
        try {
            return Path.of(DocsBuilderStandIn.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toAbsolutePath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String shQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
