package io.github.codexdocs.codex.docsbuilder.install;

import java.nio.file.Path;

/**
 * What the user configured for installing docs-builder, and the facts of the build it happens in.
 *
 * @param version        a release version such as {@code 1.41.0}, or {@code latest}
 * @param downloadUrl    where releases are downloaded from: {@code <downloadUrl>/<version>/<asset>}
 * @param sha256         the expected SHA-256 of the release zip (hex), or null/blank to not check it
 * @param cacheDirectory where installed releases are kept
 * @param osName         the JVM's {@code os.name}
 * @param osArch         the JVM's {@code os.arch}
 * @param offline        whether Maven runs offline: nothing is downloaded
 * @param interactive    whether to show download progress on the console
 */
public record InstallSettings(String version, String downloadUrl, String sha256, Path cacheDirectory, String osName,
                              String osArch, boolean offline, boolean interactive) {
}
