package io.mediagateway.sync.egress;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter for the egress retries: attempt {@code n} waits between half and
 * all of {@code min(max, initial * 2^n)}, so a fleet of retrying clients spreads out instead of
 * hitting a recovering service together, and never less than a server's {@code Retry-After}.
 */
public record Backoff(Duration initial, Duration max) {
    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30));

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + ", " + max);
        }
    }

    /** The wait before retry {@code attempt} (0 for the first retry), at least {@code retryAfterMs}. */
    public long delayMs(int attempt, long retryAfterMs) {
        long ceiling = initial.toMillis() << Math.min(attempt, 30);
        if (ceiling <= 0 || ceiling > max.toMillis()) {
            ceiling = max.toMillis();
        }
        long half = ceiling / 2;
        long jittered = half + ThreadLocalRandom.current().nextLong(ceiling - half + 1);
        return Math.max(jittered, retryAfterMs);
    }
}
