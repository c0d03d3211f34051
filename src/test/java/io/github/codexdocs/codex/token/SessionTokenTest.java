package io.github.codexdocs.codex.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SessionTokenTest {
    private final AtomicInteger fetches = new AtomicInteger();

    private TokenOutcome fetch() {
        return TokenOutcome.obtained(new GitHubToken("ghs_" + fetches.incrementAndGet(), "lease"), "role");
    }

    @Test
    void theFirstUseFetchesAndTheOthersShare() {
        SessionToken session = new SessionToken(3);
        TokenOutcome first = session.obtain(this::fetch);
        assertSame(first, session.obtain(this::fetch));
        assertFalse(session.finishUse());
        assertSame(first, session.obtain(this::fetch));
        assertFalse(session.finishUse());
        assertTrue(session.finishUse());
        assertEquals(1, fetches.get());
    }

    @Test
    void withMoreParallelUsesThanExpectedTheLastToFinishIsTheLast() {
        SessionToken session = new SessionToken(1);
        session.obtain(this::fetch);
        session.obtain(this::fetch);
        session.obtain(this::fetch);
        assertFalse(session.finishUse(), "revoked while two uses still ran");
        assertFalse(session.finishUse());
        assertTrue(session.finishUse());
    }

    @Test
    void aTokenIsRevokedOnceAndAUseAfterThatFetchesAnother() {
        SessionToken session = new SessionToken(1);
        GitHubToken first = session.obtain(this::fetch).token().orElseThrow();
        assertTrue(session.finishUse());
        assertTrue(session.claimRevocation(first));
        assertFalse(session.claimRevocation(first));
        GitHubToken second = session.obtain(this::fetch).token().orElseThrow();
        assertFalse(first == second, "the revoked token was handed out again");
        assertTrue(session.claimRevocation(second));
    }
}
