package io.github.codexdocs.codex.docsbuilder.install;

import java.net.URI;

/**
 * Why a request for a release failed, for {@link DocsBuilderInstaller} to turn into one sentence for the user.
 *
 * @param status   the HTTP status of the last answer, or 0 when there was none
 * @param attempts how many times the request was made
 * @param reason   what went wrong, in words (no library class names)
 */
record DownloadFailure(URI url, int status, int attempts, String reason) {

    /** Thrown by {@link ReleaseDownloader}; carries the failure. */
    static final class Exception extends java.lang.Exception {
        private static final long serialVersionUID = 1L;
        private final transient DownloadFailure failure;

        Exception(DownloadFailure failure) {
            super(failure.reason(), null, false, false);
            this.failure = failure;
        }

        DownloadFailure failure() {
            return failure;
        }
    }
}
