package io.github.codexdocs.codex.token;

/**
 * Why no token was obtained, in plain words, with the fix. Its message never contains a secret.
 */
public final class TokenFailure extends Exception {
    private static final long serialVersionUID = 1L;

    /** The step of the token fetch that failed. */
    public enum Step {
        CONFIGURATION("reading the Vault settings"),
        ROLE("deriving the Vault role"),
        OIDC("requesting the GitHub Actions OIDC token"),
        LOGIN("logging in to Vault"),
        READ("reading the GitHub token from Vault");

        private final String description;

        Step(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private final Step step;
    private final String cause;
    private final String fix;
    private final transient RetryHint retry;

    TokenFailure(Step step, String cause, String fix, RetryHint retry) {
        super("No GitHub token: " + step.description() + " failed: " + cause + "; " + fix + ".");
        this.step = step;
        this.cause = cause;
        this.fix = fix;
        this.retry = retry;
    }

    /** A failure that no retry can mend. */
    static TokenFailure permanent(Step step, String cause, String fix) {
        return new TokenFailure(step, cause, fix, RetryHint.NEVER);
    }

    /** A request URL that the settings make invalid (spaces in a role or path, say). */
    static TokenFailure invalidUrl() {
        return permanent(Step.CONFIGURATION, "the Vault settings or ACTIONS_ID_TOKEN_REQUEST_URL do not make a valid URL",
                "check <vaultAddress>, <vaultAuthMount>, <vaultSecretPath> and <vaultRole> for spaces or other"
                        + " characters a URL cannot hold");
    }

    /** A failure that may pass: a connection problem, a timeout, HTTP 412, 429 or 5xx. */
    static TokenFailure transientFailure(Step step, String cause, String fix, long retryAfterSeconds) {
        return new TokenFailure(step, cause, fix, new RetryHint(true, retryAfterSeconds));
    }

    public Step step() {
        return step;
    }

    /** What went wrong, without the fix. */
    public String reason() {
        return cause;
    }

    public String fix() {
        return fix;
    }

    RetryHint retry() {
        return retry;
    }

    /** Whether to retry, and after how many seconds the server asked for (negative: it did not say). */
    record RetryHint(boolean retryable, long retryAfterSeconds) {
        static final RetryHint NEVER = new RetryHint(false, -1);
    }

    /** Prefixes the cause with how many attempts were made. */
    TokenFailure afterAttempts(int attempts, long millis) {
        return new TokenFailure(step, cause + " (gave up after " + attempts + " attempts in "
                + String.format(java.util.Locale.ROOT, "%.1f", millis / 1000.0) + " s)", fix, retry);
    }
}
