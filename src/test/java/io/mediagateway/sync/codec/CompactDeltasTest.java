package io.mediagateway.sync.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The history's first format, now only read: an entry written then comes back byte for byte; a damaged one is named. */
public class CompactDeltasTest {
    public static final String PROGRESS = "{\"completed\":false,\"completion_percent\":0.1479,\"content_id\":\"tmdb:550\","
            + "\"cursor\":\"AaJKFR-UAAAAAAAAAAAAAtt9pG0AxQ\",\"delta_id\":\"7-1234-0\",\"device_id\":\"tv-samsung-living-room\","
            + "\"device_type\":\"TV\",\"duration_seconds\":8340.0,\"hlc\":\"117737994875633664\",\"msg_type\":"
            + "\"watch_progress_update\",\"position_seconds\":1234.5,\"resume_position_seconds\":1234.5,\"state\":\"Playing\","
            + "\"user_id\":\"user-12345\"}";
    /** {@link #PROGRESS} as the history compressed it (written by 6d99d9a's {@code CompactDeltas.compress}). */
    public static final byte[] PROGRESS_COMPRESSED = Base64.getDecoder().decode("q4ZFKChyoakOWxQb6BmamFtiSx2mpgZAE+G2OyZ6ebsF6YY6I"
            + "oOSEssCdwPHikCgSiTnmesaGhmb6IL0I7u0pEy3GOjx0rx03ZzMMmB60C3Kz89FKEJOAZgpz8LYxEDPQAfhX3Njc0tLEwtzUzNjYzMzE6A5RBQl"
            + "mIkU5FQ9U1BSwJGKYQowEzMiuEEssKdNlWoB");

    @Test
    void anEntryOfTheFirstFormatComesBackByteForByte() {
        byte[] framed = new byte[PROGRESS_COMPRESSED.length + 3];
        System.arraycopy(PROGRESS_COMPRESSED, 0, framed, 3, PROGRESS_COMPRESSED.length);
        assertThat(new String(CompactDeltas.decompress(framed, 3, PROGRESS_COMPRESSED.length), StandardCharsets.UTF_8))
                .isEqualTo(PROGRESS);
    }

    @Test
    void aDamagedEntryIsACodecErrorNotAHang() {
        byte[] truncated = Arrays.copyOf(PROGRESS_COMPRESSED, PROGRESS_COMPRESSED.length / 2);
        assertThatThrownBy(() -> CompactDeltas.decompress(truncated, 0, truncated.length))
                .isInstanceOf(Json.CodecException.class);
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};
        assertThatThrownBy(() -> CompactDeltas.decompress(garbage, 0, garbage.length)).isInstanceOf(Json.CodecException.class);
    }
}
