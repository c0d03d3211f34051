package io.github.codexdocs.codex.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexdocs.codex.token.TokenFailure.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetrierTest {
    private final AtomicLong now = new AtomicLong();
    private final List<Long> sleeps = new ArrayList<>();

    private Retrier retrier(Duration budget) {
        return new Retrier(budget, millis -> {
            sleeps.add(millis);
            now.addAndGet(millis * 1_000_000);
        }, now::get, new Random(7));
    }

    private static TokenFailure transientOne(long retryAfter) {
        return TokenFailure.transientFailure(Step.LOGIN, "Vault answered HTTP 503", "try again later", retryAfter);
    }

    @Test
    void transientFailuresAreRetriedUntilSuccess() throws TokenFailure {
        AtomicInteger calls = new AtomicInteger();
        String result = retrier(Duration.ofSeconds(20)).call(() -> {
            if (calls.incrementAndGet() < 3) {
                throw transientOne(-1);
            }
            return "ok";
        });
        assertEquals("ok", result);
        assertEquals(3, calls.get());
        assertEquals(2, sleeps.size());
        assertTrue(sleeps.get(0) >= 375 && sleeps.get(0) <= 500, "first backoff " + sleeps.get(0));
        assertTrue(sleeps.get(1) >= 750 && sleeps.get(1) <= 1000, "second backoff " + sleeps.get(1));
    }

    @Test
    void permanentFailuresAreNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        TokenFailure failure = assertThrows(TokenFailure.class, () -> retrier(Duration.ofSeconds(20)).call(() -> {
            calls.incrementAndGet();
            throw TokenFailure.permanent(Step.LOGIN, "Vault has no role 'x'", "register it");
        }));
        assertEquals(1, calls.get());
        assertTrue(sleeps.isEmpty());
        assertEquals("No GitHub token: logging in to Vault failed: Vault has no role 'x'; register it.",
                failure.getMessage());
    }

    @Test
    void retryAfterIsHonoured() throws TokenFailure {
        AtomicInteger calls = new AtomicInteger();
        retrier(Duration.ofSeconds(20)).call(() -> {
            if (calls.incrementAndGet() == 1) {
                throw transientOne(3);
            }
            return "ok";
        });
        assertEquals(List.of(3000L), sleeps);
    }

    @Test
    void theBudgetBoundsTheAttempts() {
        TokenFailure failure = assertThrows(TokenFailure.class, () -> retrier(Duration.ofSeconds(5)).call(() -> {
            now.addAndGet(100_000_000L); // each attempt takes 0.1 s
            throw transientOne(-1);
        }));
        long slept = sleeps.stream().mapToLong(Long::longValue).sum();
        assertTrue(now.get() <= 5_000_000_000L, "spent more than the budget: " + now.get());
        assertTrue(slept > 2000, "gave up too early: " + sleeps);
        assertTrue(failure.getMessage().contains("(gave up after " + (sleeps.size() + 1) + " attempts in "),
                failure.getMessage());
    }

    @Test
    void aRetryAfterBeyondTheBudgetGivesUpAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        assertThrows(TokenFailure.class, () -> retrier(Duration.ofSeconds(5)).call(() -> {
            calls.incrementAndGet();
            throw transientOne(60);
        }));
        assertEquals(1, calls.get());
        assertTrue(sleeps.isEmpty());
    }

    @Test
    void backoffDoublesAndIsCapped() {
        Retrier retrier = retrier(Duration.ofSeconds(1));
        for (int attempt = 1; attempt <= 12; attempt++) {
            long base = Math.min(8000, 500L << (attempt - 1));
            long backoff = retrier.backoffMillis(attempt, -1);
            assertTrue(backoff > base * 3 / 4 - 1 && backoff <= base, attempt + ": " + backoff);
        }
    }
}
