package io.mediagateway.sync.web;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets per key (a user, a device): {@code ratePerSecond} sustained, bursts of twice that.
 * {@link #acquire} answers 0 when the request may go, else how many milliseconds until it could.
 * Idle buckets are dropped once the table grows large, so memory follows the active keys.
 */
public final class RateLimiter {
    private static final int MAX_BUCKETS = 100_000;

    private final double ratePerNano;
    private final double burst;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** @param ratePerSecond 0 disables the limit */
    public RateLimiter(double ratePerSecond, LongSupplier nanoTime) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = Math.max(1, ratePerSecond * 2);
        this.nanoTime = nanoTime;
    }

    public boolean enabled() {
        return ratePerNano > 0;
    }

    /** Takes one token for {@code key}: 0 if granted, else the wait in milliseconds (at least 1). */
    public long acquire(String key) {
        if (!enabled()) {
            return 0;
        }
        long now = nanoTime.getAsLong();
        if (buckets.size() > MAX_BUCKETS) {
            buckets.values().removeIf(b -> b.isFull(now));
        }
        return buckets.computeIfAbsent(key, k -> new Bucket(now)).take(now);
    }

    private final class Bucket {
        private double tokens = burst;
        private long updated;

        Bucket(long now) {
            updated = now;
        }

        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / ratePerNano / 1e6));
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            tokens = Math.min(burst, tokens + (now - updated) * ratePerNano);
            updated = now;
        }
    }
}
