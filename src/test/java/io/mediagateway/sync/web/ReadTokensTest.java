package io.mediagateway.sync.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.ingest.LogPosition;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Read-your-writes tokens (contract §6, §18) and, with regions (§16), the region that issued one. */
class ReadTokensTest {
    private static final byte[] KEY = "a-read-token-key-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8);
    private static final LogPosition AT = new LogPosition(3, 120);

    @Test
    void aTokenIsAPositionOfItsRegionsOwnLogAndAnotherRegionKnowsItForAPeers() {
        ReadTokens us = new ReadTokens(KEY, Optional.of("us"));
        ReadTokens eu = new ReadTokens(KEY, Optional.of("eu"));
        String token = us.issue("alice", AT);

        assertThat(us.verify("alice", token)).contains(AT);
        assertThat(us.issuedElsewhere("alice", token)).isEmpty();
        assertThat(eu.verify("alice", token)).as("a position in us's log, not eu's").isEmpty();
        assertThat(eu.issuedElsewhere("alice", token)).contains("us");
        assertThat(eu.issuedElsewhere("bob", token)).as("another user's").isEmpty();
    }

    @Test
    void aTokenIssuedBeforeRegionsIsStillTheClustersOwn() {
        String before = new ReadTokens(KEY).issue("alice", AT);

        assertThat(new ReadTokens(KEY, Optional.of("us")).verify("alice", before)).contains(AT);
        assertThat(new ReadTokens(KEY).verify("alice", new ReadTokens(KEY, Optional.of("us")).issue("alice", AT)))
                .as("a region's token in a service without regions").isEmpty();
    }

    @Test
    void aTokenWithTheLongestRegionNameFitsTheLengthLimit() {
        String token = new ReadTokens(KEY, Optional.of("r".repeat(40))).issue("alice", new LogPosition(11, Long.MAX_VALUE));

        assertThat(token.length()).isLessThanOrEqualTo(ReadTokens.MAX_LENGTH);
        assertThat(new ReadTokens(KEY, Optional.of("r".repeat(40))).verify("alice", token)).isPresent();
    }
}
