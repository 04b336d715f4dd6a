package io.mediagateway.sync.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void allowsABurstOfTwiceTheRateThenRefillsAtTheRate() {
        RateLimiter limiter = new RateLimiter(10, now::get);
        for (int i = 0; i < 20; i++) {
            assertThat(limiter.acquire("alice")).as("request %d", i).isZero();
        }
        long wait = limiter.acquire("alice");
        assertThat(wait).isBetween(1L, 100L);
        assertThat(limiter.acquire("bob")).as("another key has its own bucket").isZero();
        now.addAndGet(100_000_000L);
        assertThat(limiter.acquire("alice")).isZero();
        assertThat(limiter.acquire("alice")).isPositive();
    }

    @Test
    void zeroMeansNoLimit() {
        RateLimiter limiter = new RateLimiter(0, now::get);
        for (int i = 0; i < 10_000; i++) {
            assertThat(limiter.acquire("alice")).isZero();
        }
    }
}
