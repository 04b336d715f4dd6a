package io.mediagateway.sync.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediagateway.sync.codec.CompactDeltasTest;
import io.mediagateway.sync.codec.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A stored change: written plainly, read back with its time and epoch; an entry of the first, compressed format still read. */
class HistoryKeysTest {
    private static final byte[] DELTA = CompactDeltasTest.PROGRESS.getBytes(StandardCharsets.UTF_8);

    @Test
    void aChangeIsStoredPlainAndReadBack() {
        byte[] value = HistoryKeys.value(1_764_900_000_000L, 77L, DELTA);
        assertThat(value).hasSize(17 + DELTA.length);
        assertThat(value[16]).isEqualTo(HistoryKeys.PLAIN);
        assertThat(HistoryKeys.recordedAt(value)).isEqualTo(1_764_900_000_000L);
        assertThat(HistoryKeys.epoch(value)).isEqualTo(77L);
        assertThat(HistoryKeys.delta(value)).isEqualTo(DELTA);
    }

    @Test
    void anEntryWrittenCompressedIsStillRead() {
        byte[] old = stored((byte) 1, CompactDeltasTest.PROGRESS_COMPRESSED);
        assertThat(HistoryKeys.epoch(old)).isEqualTo(77L);
        assertThat(HistoryKeys.delta(old)).isEqualTo(DELTA);
    }

    @Test
    void anUnknownFormatIsNamed() {
        assertThatThrownBy(() -> HistoryKeys.delta(stored((byte) 9, DELTA)))
                .isInstanceOf(Json.CodecException.class).hasMessageContaining("format 9");
    }

    private static byte[] stored(byte format, byte[] payload) {
        return ByteBuffer.allocate(17 + payload.length).putLong(1_764_900_000_000L).putLong(77L).put(format).put(payload)
                .array();
    }
}
