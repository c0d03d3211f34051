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
    private int usesInFlight;
    private Thread revokeOnExit;

    /** @param expectedUses how many executions of the session will use the token */
    public SessionToken(int expectedUses) {
        this.expectedUses = Math.max(1, expectedUses);
    }

    /** The outcome of this session's fetch; the first caller fetches, the others wait for it and share it. */
    public synchronized TokenOutcome obtain(Supplier<TokenOutcome> fetch) {
        if (outcome == null) {
            outcome = fetch.get();
        }
        usesInFlight++;
        return outcome;
    }

    /**
     * Ends a use begun with {@link #obtain}; true when it was the last one expected and no other is still running
     * (with parallel builds, more uses may run than were expected).
     */
    public synchronized boolean finishUse() {
        finishedUses++;
        usesInFlight--;
        return finishedUses >= expectedUses && usesInFlight == 0;
    }

    /** Registers the shutdown hook that revokes the token should the build stop early; one at a time. */
    public synchronized void revokeOnExit(Thread hook) {
        removeExitHook();
        revokeOnExit = hook;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private void removeExitHook() {
        if (revokeOnExit != null && revokeOnExit != Thread.currentThread()) {
            try {
                Runtime.getRuntime().removeShutdownHook(revokeOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
        revokeOnExit = null;
    }

    /** True the first time only for this token: whoever gets true revokes it, and later uses fetch another. */
    public synchronized boolean claimRevocation(GitHubToken token) {
        if (!revoked.add(token)) {
            return false;
        }
        if (outcome != null && outcome.token().orElse(null) == token) {
            outcome = null;
            removeExitHook();
        }
        return true;
    }
}
