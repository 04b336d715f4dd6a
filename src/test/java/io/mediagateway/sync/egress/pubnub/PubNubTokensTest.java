package io.mediagateway.sync.egress.pubnub;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.model.PubNubAccess.Outcome;
import io.mediagateway.sync.testing.PubNubStandIn;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Granting device tokens with the SDK against the stand-in: the cache, one grant per user at a time, failures. */
class PubNubTokensTest {
    private final PubNubStandIn pubnub = PubNubStandIn.start();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final List<PubNubTokens> opened = new ArrayList<>();

    @AfterEach
    void stop() {
        opened.forEach(PubNubTokens::close);
        pubnub.close();
    }

    private PubNubTokens tokens(String origin, String secret) {
        PubNubTokens t = new PubNubTokens(new PubNubSink.Connection("pub-key", "sub-key", Optional.of(secret),
                Optional.of(origin), false, Optional.empty(), "sync.service"), 60, true, 2, clock::get);
        opened.add(t);
        return t;
    }

    @Test
    void aTokenIsReusedUntilAQuarterOfItsLifeIsLeft() {
        PubNubTokens tokens = tokens(pubnub.origin(), "sec-key");
        Outcome first = tokens.grant("alice", Optional.empty());
        assertThat(first).isInstanceOf(Outcome.Granted.class);

        clock.addAndGet(45 * 60_000L);
        assertThat(tokens.grant("alice", Optional.empty())).isEqualTo(first);
        assertThat(pubnub.grantRequests()).isEqualTo(1);

        clock.addAndGet(1);
        assertThat(tokens.grant("alice", Optional.empty())).isNotEqualTo(first);
        assertThat(pubnub.grantRequests()).isEqualTo(2);
    }

    @Test
    void theLeastRecentlyAskedUserLeavesTheCacheFirst() {
        PubNubTokens tokens = tokens(pubnub.origin(), "sec-key");
        tokens.grant("alice", Optional.empty());
        tokens.grant("bob", Optional.empty());
        tokens.grant("alice", Optional.empty());
        tokens.grant("carol", Optional.empty());   // bob leaves (the cache holds 2)
        assertThat(pubnub.grantRequests()).isEqualTo(3);
        tokens.grant("alice", Optional.empty());
        assertThat(pubnub.grantRequests()).isEqualTo(3);
        tokens.grant("bob", Optional.empty());
        assertThat(pubnub.grantRequests()).isEqualTo(4);
    }

    @Test
    void concurrentRequestsForOneUserShareOneGrant() throws Exception {
        PubNubTokens tokens = tokens(pubnub.origin(), "sec-key");
        pubnub.latency(java.time.Duration.ofMillis(200));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Outcome>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> tokens.grant("alice", Optional.empty())));
            }
            Outcome first = answers.get(0).get();
            for (Future<Outcome> a : answers) {
                assertThat(a.get()).isEqualTo(first);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(pubnub.grantRequests()).isEqualTo(1);
    }

    @Test
    void aWrongSecretIsRefusedByPubNubAndNoAnswerIsUnavailable() {
        Outcome wrong = tokens(pubnub.origin(), "not-the-secret").grant("alice", Optional.empty());
        assertThat(wrong).isInstanceOfSatisfying(Outcome.Refused.class, r -> assertThat(r.status()).isEqualTo(403));
        assertThat(pubnub.grants()).as("the stand-in checked the signature").isEmpty();

        Outcome nobody = tokens("127.0.0.1:" + io.mediagateway.sync.testing.Ports.free(), "sec-key")
                .grant("alice", Optional.empty());
        assertThat(nobody).isInstanceOf(Outcome.Unavailable.class);
    }
}
