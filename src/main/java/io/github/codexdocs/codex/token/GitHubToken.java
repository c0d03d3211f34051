package io.github.codexdocs.codex.token;

import java.util.List;
import java.util.Map;

/**
 * An ephemeral GitHub token read from Vault. Its value is a secret: {@link #toString()} never shows it, and it
 * reaches docs-builder only through the child's environment.
 */
public final class GitHubToken {
    private final String value;
    private final String leaseId;
    private final Details details;

    /** What Vault says about the token besides its value; none of it is secret. */
    public record Details(String expiresAt, Map<String, String> permissions, List<String> repositories) {
        public static final Details NONE = new Details("", Map.of(), List.of());
    }

    public GitHubToken(String value, String leaseId) {
        this(value, leaseId, Details.NONE);
    }

    public GitHubToken(String value, String leaseId, Details details) {
        this.value = value;
        this.leaseId = leaseId == null ? "" : leaseId;
        this.details = details;
    }

    public Details details() {
        return details;
    }

    /** The secret itself. */
    public String value() {
        return value;
    }

    /**
     * Vault's lease id: empty when the token comes from a cached, shared policy (revoking it would break other
     * workflows), non-empty when this build owns it.
     */
    public String leaseId() {
        return leaseId;
    }

    public boolean isLeased() {
        return !leaseId.isEmpty();
    }

    @Override
    public String toString() {
        return "GitHubToken[***" + (isLeased() ? ", leased" : ", cached") + "]";
    }
}
