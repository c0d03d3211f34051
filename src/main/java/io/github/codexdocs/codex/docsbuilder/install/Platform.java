package io.github.codexdocs.codex.docsbuilder.install;

import io.github.codexdocs.codex.CodexException;
import java.util.Locale;
import java.util.Set;

/**
 * The platform a docs-builder release asset is built for, named as the assets are: {@code linux-x64},
 * {@code mac-arm64}, {@code mac-x64} and {@code win-x64}.
 *
 * @param os   {@code linux}, {@code mac} or {@code win} (or the JVM's own name for another system)
 * @param arch {@code x64} or {@code arm64} (or the JVM's own name for another architecture)
 */
public record Platform(String os, String arch) {
    private static final Set<String> RELEASED = Set.of("linux-x64", "mac-arm64", "mac-x64", "win-x64");

    /**
     * The platform of the JVM's {@code os.name} and {@code os.arch}, when docs-builder is released for it.
     *
     * @throws CodexException when docs-builder publishes no release for that platform
     */
    public static Platform of(String osName, String osArch) {
        String name = osName == null ? "" : osName.trim().toLowerCase(Locale.ROOT);
        String arch = osArch == null ? "" : osArch.trim().toLowerCase(Locale.ROOT);
        String os = name.startsWith("linux") ? "linux"
                : name.startsWith("mac") || name.startsWith("darwin") ? "mac"
                : name.startsWith("windows") ? "win"
                : name.replaceAll("[^a-z0-9]", "");
        String cpu = switch (arch) {
            case "amd64", "x86_64", "x64", "x86-64" -> "x64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch.replaceAll("[^a-z0-9_]", "");
        };
        Platform platform = new Platform(os, cpu);
        if (!RELEASED.contains(platform.name())) {
            throw new CodexException("docs-builder publishes no release for " + platform.name() + " (os.name '" + osName
                    + "', os.arch '" + osArch + "'), so it cannot be installed automatically; install or build"
                    + " docs-builder yourself and set <executable> (codex.executable) to it.");
        }
        return platform;
    }

    /** The name used in release asset names, e.g. {@code linux-x64}. */
    public String name() {
        return os + "-" + arch;
    }

    /** The release asset of this platform, e.g. {@code docs-builder-linux-x64.zip}. */
    public String assetName() {
        return "docs-builder-" + name() + ".zip";
    }

    /** The executable's file name inside the asset: {@code docs-builder.exe} on Windows, else {@code docs-builder}. */
    public String executableName() {
        return os.equals("win") ? "docs-builder.exe" : "docs-builder";
    }

    @Override
    public String toString() {
        return name();
    }
}
