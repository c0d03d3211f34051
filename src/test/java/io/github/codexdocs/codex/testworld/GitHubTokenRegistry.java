package io.github.codexdocs.codex.testworld;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The GitHub installation tokens that exist in the test world: the Vault emulator mints them, the GitHub API
 * emulator revokes them, and tests ask whether a token is still good. Thread-safe.
 */
public final class GitHubTokenRegistry {

    private static final class Entry {
        Instant expiresAt;
        boolean revoked;

        Entry(Instant expiresAt) {
            this.expiresAt = expiresAt;
        }
    }

    private final Clock clock;
    private final Map<String, Entry> tokens = new LinkedHashMap<>();

    public GitHubTokenRegistry() {
        this(Clock.systemUTC());
    }

    public GitHubTokenRegistry(Clock clock) {
        this.clock = clock;
    }

    /** Mints a new token, {@code "ghs_"} and 36 characters out of [A-Za-z0-9], valid for {@code ttl}. */
    public synchronized String mint(Duration ttl) {
        String token = "ghs_" + Randoms.alphanumeric(36);
        tokens.put(token, new Entry(clock.instant().plus(ttl)));
        return token;
    }

    /** True when the token was minted here, has not expired and was not revoked. */
    public synchronized boolean isValid(String token) {
        Entry entry = token == null ? null : tokens.get(token);
        return entry != null && !entry.revoked && clock.instant().isBefore(entry.expiresAt);
    }

    /** Revokes the token; true if it was valid until now. */
    public synchronized boolean revoke(String token) {
        boolean wasValid = isValid(token);
        if (wasValid) {
            tokens.get(token).revoked = true;
        }
        return wasValid;
    }

    /** Makes the token expire now (unknown tokens are ignored). */
    public synchronized void expire(String token) {
        Entry entry = tokens.get(token);
        if (entry != null) {
            entry.expiresAt = clock.instant();
        }
    }

    /** When the token expires(d), or empty for a token this registry never minted. */
    public synchronized Optional<Instant> expiresAt(String token) {
        return Optional.ofNullable(tokens.get(token)).map(entry -> entry.expiresAt);
    }

    /** Every token minted so far, oldest first. */
    public synchronized List<String> minted() {
        return new ArrayList<>(tokens.keySet());
    }
}
