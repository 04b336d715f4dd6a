package io.mediagateway.sync.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PeerMemoryTest {
    private static final long MINUTE = 60_000_000_000L;

    @Test
    void theInstancesInTheMetadataComeFirstThenThoseSeenLatelyThenNoneForgotten() {
        PeerMemory memory = new PeerMemory();
        long t = 1_000 * MINUTE;
        assertThat(memory.peers(List.of("http://a", "http://b"), t)).containsExactly("http://a", "http://b");
        // b restarts: the metadata names a alone for a while, but b's copy may still answer.
        assertThat(memory.peers(List.of("http://a"), t + MINUTE)).containsExactly("http://a", "http://b");
        // A rebalance names c, then b again.
        assertThat(memory.peers(List.of("http://c"), t + 2 * MINUTE)).containsExactly("http://c", "http://a", "http://b");
        memory.saw(List.of("http://b"), t + 3 * MINUTE);
        // Ten minutes after a was last seen it is forgotten; b (seen at 3) and c (seen at 2) are not yet.
        assertThat(memory.peers(List.of(), t + 11 * MINUTE)).containsExactlyInAnyOrder("http://b", "http://c");
        assertThat(memory.peers(List.of(), t + 13 * MINUTE)).isEmpty();
    }
}
