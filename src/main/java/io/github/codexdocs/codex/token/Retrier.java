package io.github.codexdocs.codex.token;

import java.time.Duration;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * Retries transient token failures with exponential backoff and jitter, honouring {@code Retry-After}, for as long
 * as a total budget allows. A failure that cannot pass on retry ends the attempts at once.
 */
final class Retrier {
    /** An attempt that may fail. */
    interface Attempt<T> {
        T run() throws TokenFailure;
    }

    /** Sleeps; replaced in tests. */
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    private static final long FIRST_BACKOFF_MILLIS = 500;
    private static final long MAX_BACKOFF_MILLIS = 8_000;

    private final long deadlineNanos;
    private final long startNanos;
    private final Sleeper sleeper;
    private final LongSupplier nanoClock;
    private final Random random;

    Retrier(Duration budget, Sleeper sleeper, LongSupplier nanoClock, Random random) {
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.deadlineNanos = startNanos + budget.toNanos();
        this.sleeper = sleeper;
        this.random = random;
    }

    static Retrier withBudget(Duration budget) {
        return new Retrier(budget, Thread::sleep, System::nanoTime, new Random());
    }

    <T> T call(Attempt<T> attempt) throws TokenFailure {
        for (int attempts = 1; ; attempts++) {
            try {
                return attempt.run();
            } catch (TokenFailure failure) {
                if (!failure.retry().retryable()) {
                    throw failure;
                }
                long wait = backoffMillis(attempts, failure.retry().retryAfterSeconds());
                long left = (deadlineNanos - nanoClock.getAsLong()) / 1_000_000;
                if (wait > left) {
                    throw failure.afterAttempts(attempts, (nanoClock.getAsLong() - startNanos) / 1_000_000);
                }
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw failure;
                }
            }
        }
    }

    /** 0.5 s doubling up to 8 s, each with up to a quarter of random jitter; never less than Retry-After asks. */
    long backoffMillis(int attempts, long retryAfterSeconds) {
        long base = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(attempts - 1, 10));
        long jittered = base - (long) (random.nextDouble() * base / 4);
        return Math.max(jittered, retryAfterSeconds * 1000);
    }
}
