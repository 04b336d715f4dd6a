package io.mediagateway.sync.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The change history's compressed deltas: back byte for byte, much smaller, and a damaged one is named. */
class CompactDeltasTest {
    private static final String PROGRESS = "{\"completed\":false,\"completion_percent\":0.1479,\"content_id\":\"tmdb:550\","
            + "\"cursor\":\"AaJKFR-UAAAAAAAAAAAAAtt9pG0AxQ\",\"delta_id\":\"7-1234-0\",\"device_id\":\"tv-samsung-living-room\","
            + "\"device_type\":\"TV\",\"duration_seconds\":8340.0,\"hlc\":\"117737994875633664\",\"msg_type\":"
            + "\"watch_progress_update\",\"position_seconds\":1234.5,\"resume_position_seconds\":1234.5,\"state\":\"Playing\","
            + "\"user_id\":\"user-12345\"}";

    @Test
    void aDeltaComesBackByteForByteAtLessThanHalfItsSize() {
        byte[] delta = PROGRESS.getBytes(StandardCharsets.UTF_8);
        byte[] compressed = CompactDeltas.compress(delta);
        assertThat(compressed.length).isLessThan(delta.length / 2);
        assertThat(CompactDeltas.decompress(compressed, 0, compressed.length)).isEqualTo(delta);
    }

    @Test
    void anythingComesBackEvenWhatDoesNotCompress() {
        Random random = new Random(7);
        for (int size : new int[] {0, 1, 100, 4_096, 32_768, 70_000}) {
            byte[] noise = new byte[size];
            random.nextBytes(noise);
            byte[] compressed = CompactDeltas.compress(noise);
            byte[] framed = new byte[compressed.length + 3];
            System.arraycopy(compressed, 0, framed, 3, compressed.length);
            assertThat(CompactDeltas.decompress(framed, 3, compressed.length)).as("%d bytes", size).isEqualTo(noise);
        }
    }

    @Test
    void aDamagedEntryIsACodecErrorNotAHang() {
        byte[] compressed = CompactDeltas.compress(PROGRESS.getBytes(StandardCharsets.UTF_8));
        byte[] truncated = Arrays.copyOf(compressed, compressed.length / 2);
        assertThatThrownBy(() -> CompactDeltas.decompress(truncated, 0, truncated.length))
                .isInstanceOf(Json.CodecException.class);
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};
        assertThatThrownBy(() -> CompactDeltas.decompress(garbage, 0, garbage.length)).isInstanceOf(Json.CodecException.class);
    }
}
