package io.mediagateway.sync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mediagateway.sync.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WsAuthTest {
    private static final Instant EXPIRY = Instant.parse("2026-12-06T12:00:00Z");
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final SettableClock clock = new SettableClock(EXPIRY.minusMillis(100));
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final WsAuth.Listener listener = new WsAuth.Listener() {
        @Override
        public void expiring(Instant expiresAt) {
            events.add("expiring " + expiresAt);
        }

        @Override
        public void expired(Instant expiresAt) {
            events.add("expired " + expiresAt);
        }
    };

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private static JwtTokens.Principal alice(Instant expiresAt) {
        return new JwtTokens.Principal("alice", "tv", false, expiresAt);
    }

    @Test
    void shouldEndTheSessionOnlyOnceTheWallClockHasPassedTheExpiry() throws Exception {
        // given a session 100 ms before its token's expiry, on a wall clock that does not move yet
        WsAuth auth = new WsAuth(scheduler, clock, listener, alice(EXPIRY), "t1");
        auth.start();

        // when the scheduler's 100 ms have passed but the wall clock has not reached the expiry
        Thread.sleep(400);

        // then the client was warned, and the session is not ended early
        assertThat(events).containsExactly("expiring " + EXPIRY);
        assertThat(auth.expired()).isFalse();

        // and once the wall clock passes it, the session ends, once
        clock.set(EXPIRY);
        await().atMost(Duration.ofSeconds(2)).until(() -> events.size() == 2);
        assertThat(events).containsExactly("expiring " + EXPIRY, "expired " + EXPIRY);
        assertThat(auth.expired()).isTrue();
    }

    @Test
    void shouldMoveTheExpiryWithAFreshTokenOfTheSameHolderOnly() throws Exception {
        WsAuth auth = new WsAuth(scheduler, clock, listener, alice(EXPIRY), "t1");
        auth.start();

        assertThat(auth.refresh(new JwtTokens.Principal("bob", "tv", false, EXPIRY.plusSeconds(3600)), "b")).isFalse();
        assertThat(auth.refresh(new JwtTokens.Principal("alice", "phone", false, EXPIRY.plusSeconds(3600)), "p")).isFalse();
        assertThat(auth.bearer()).isEqualTo("t1");
        assertThat(auth.refresh(alice(EXPIRY.plusSeconds(3600)), "t2")).isTrue();
        assertThat(auth.bearer()).isEqualTo("t2");

        clock.set(EXPIRY.plusMillis(1));
        Thread.sleep(300);
        assertThat(auth.expired()).isFalse();
        assertThat(events).noneMatch(e -> e.startsWith("expired"));
    }
}
