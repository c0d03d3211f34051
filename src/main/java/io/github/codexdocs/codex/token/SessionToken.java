package io.github.codexdocs.codex.token;

import java.util.function.Supplier;

/**
 * The token of one Maven session, shared by every module that runs the goal with the same Vault settings: fetched
 * once (also with parallel builds), and revoked once, after the last of those modules.
 */
public final class SessionToken {
    private final int expectedUses;
    private TokenOutcome outcome;
    private int finishedUses;
    private boolean revoked;

    /** @param expectedUses how many modules of the session will use the token */
    public SessionToken(int expectedUses) {
        this.expectedUses = Math.max(1, expectedUses);
    }

    /** The outcome of the one fetch of this session; the first caller fetches, the others wait for it. */
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

    /** True the first time only: whoever gets true revokes. */
    public synchronized boolean claimRevocation() {
        if (revoked) {
            return false;
        }
        revoked = true;
        return true;
    }
}
