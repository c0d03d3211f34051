package io.github.codexdocs.codex.token;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The token of one Maven session, shared by every execution of the goal with the same Vault settings: fetched once
 * (also with parallel builds), and revoked once, after the last of those executions. Should an execution come after
 * the token was revoked (more executions than expected), it fetches a fresh one.
 */
public final class SessionToken {
    private final int expectedUses;
    private final Set<GitHubToken> revoked = Collections.newSetFromMap(new IdentityHashMap<>());
    private TokenOutcome outcome;
    private int finishedUses;

    /** @param expectedUses how many executions of the session will use the token */
    public SessionToken(int expectedUses) {
        this.expectedUses = Math.max(1, expectedUses);
    }

    /** The outcome of this session's fetch; the first caller fetches, the others wait for it and share it. */
    public synchronized TokenOutcome obtain(Supplier<TokenOutcome> fetch) {
        if (outcome == null) {
            outcome = fetch.get();
        }
        return outcome;
    }

    /** Whether the use that just finished was the last one expected. */
    public synchronized boolean finishUse() {
        finishedUses++;
        return finishedUses >= expectedUses;
    }

    /** True the first time only for this token: whoever gets true revokes it, and later uses fetch another. */
    public synchronized boolean claimRevocation(GitHubToken token) {
        if (!revoked.add(token)) {
            return false;
        }
        if (outcome != null && outcome.token().orElse(null) == token) {
            outcome = null;
        }
        return true;
    }
}
