package io.github.codexdocs.codex;

/**
 * An expected failure, carrying one sentence for the user that says what failed and what to do.
 * The mojo turns it into a build failure without a stack trace. Its message never contains a secret.
 */
public class CodexException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CodexException(String message) {
        super(message);
    }

    public CodexException(String message, Throwable cause) {
        super(message, cause);
    }
}
