package io.mediagateway.sync.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IdentifiersTest {

    @Test
    void shouldAcceptOnlyUserIdsThatFitInPubNubChannelNames() {
        assertThat(Identifiers.isUserId("user_12345-a")).isTrue();
        assertThat(Identifiers.isUserId("a".repeat(64))).isTrue();
        assertThat(Identifiers.isUserId("a".repeat(65))).isFalse();
        assertThat(Identifiers.isUserId("")).isFalse();
        assertThat(Identifiers.isUserId(null)).isFalse();
        for (String bad : new String[] {"a.b", "a:b", "a b", "a/b", "a*b", "a,b", "a\\b", "é", "a\u0000"}) {
            assertThat(Identifiers.isUserId(bad)).as(bad).isFalse();
            assertThat(Identifiers.isUserIdKey(bad.getBytes(StandardCharsets.UTF_8))).as(bad).isFalse();
        }
    }

    @Test
    void shouldJudgeARecordKeysBytesByTheSameRule() {
        assertThat(Identifiers.isUserIdKey("user_12345-a".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(Identifiers.isUserIdKey("a".repeat(64).getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(Identifiers.isUserIdKey("a".repeat(65).getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(Identifiers.isUserIdKey(new byte[0])).isFalse();
        assertThat(Identifiers.isUserIdKey(null)).isFalse();
        assertThat(Identifiers.isUserIdKey(new byte[] {'a', (byte) 0xC3, (byte) 0xA9})).isFalse();
        assertThat(Identifiers.isUserIdKey(new byte[] {'a', (byte) 0xFF})).isFalse();
    }

    @Test
    void shouldAllowDotsAndColonsInDeviceIds() {
        assertThat(Identifiers.isDeviceId("tv-samsung-living-room")).isTrue();
        assertThat(Identifiers.isDeviceId("service:playback.v2")).isTrue();
        assertThat(Identifiers.isDeviceId("a".repeat(129))).isFalse();
        assertThat(Identifiers.isDeviceId("a".repeat(128))).isTrue();
        assertThat(Identifiers.isDeviceId("")).isFalse();
        assertThat(Identifiers.isDeviceId("tv 1")).isFalse();
        assertThat(Identifiers.isDeviceId("tv/1")).isFalse();
        assertThat(Identifiers.isDeviceId("télé")).isFalse();
    }

    @Test
    void shouldAcceptPrintableContentIdsUpTo255Chars() {
        assertThat(Identifiers.isContentId("tmdb:550")).isTrue();
        assertThat(Identifiers.isContentId("Amélie (2001) / director's cut")).isTrue();
        assertThat(Identifiers.isContentId("x".repeat(256))).isFalse();
        assertThat(Identifiers.isContentId("tmdb:\n550")).isFalse();
        assertThat(Identifiers.isContentId("")).isFalse();
        assertThat(Identifiers.isContentId("a\ud800b")).as("a lone surrogate").isFalse();
        assertThat(Identifiers.isContentId("a\udc00")).as("a lone low surrogate").isFalse();
        assertThat(Identifiers.isContentId("clap \ud83d\udc4f")).as("a surrogate pair").isTrue();
    }
}
