package io.github.codexdocs.codex.token;

import java.util.Optional;

/** The result of a token fetch: the token and the role it came from, or why there is none. */
public record TokenOutcome(Optional<GitHubToken> token, String role, TokenFailure failure) {
    public static TokenOutcome obtained(GitHubToken token, String role) {
        return new TokenOutcome(Optional.of(token), role, null);
    }

    public static TokenOutcome failed(TokenFailure failure, String role) {
        return new TokenOutcome(Optional.empty(), role, failure);
    }

    /** One line for people, never the token itself. */
    public String describe() {
        if (token.isPresent()) {
            return "obtained (" + (token.get().isLeased() ? "leased" : "cached") + ")";
        }
        return failure != null ? "not obtained: " + failure.reason() : "not fetched (outside GitHub Actions)";
    }

    /** No fetch was attempted: not in GitHub Actions. */
    public static TokenOutcome notAttempted() {
        return new TokenOutcome(Optional.empty(), null, null);
    }
}
