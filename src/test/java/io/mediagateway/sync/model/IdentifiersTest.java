package io.mediagateway.sync.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdentifiersTest {

    @Test
    void shouldAcceptOnlyUserIdsThatFitInPubNubChannelNames() {
        assertThat(Identifiers.isUserId("user_12345-a")).isTrue();
        assertThat(Identifiers.isUserId("a".repeat(64))).isTrue();
        assertThat(Identifiers.isUserId("a".repeat(65))).isFalse();
        assertThat(Identifiers.isUserId("")).isFalse();
        assertThat(Identifiers.isUserId(null)).isFalse();
        for (String bad : new String[] {"a.b", "a:b", "a b", "a/b", "a*b", "a,b", "a\\b"}) {
            assertThat(Identifiers.isUserId(bad)).as(bad).isFalse();
        }
    }

    @Test
    void shouldAllowDotsAndColonsInDeviceIds() {
        assertThat(Identifiers.isDeviceId("tv-samsung-living-room")).isTrue();
        assertThat(Identifiers.isDeviceId("service:playback.v2")).isTrue();
        assertThat(Identifiers.isDeviceId("a".repeat(129))).isFalse();
        assertThat(Identifiers.isDeviceId("tv 1")).isFalse();
    }

    @Test
    void shouldAcceptPrintableContentIdsUpTo255Chars() {
        assertThat(Identifiers.isContentId("tmdb:550")).isTrue();
        assertThat(Identifiers.isContentId("Amélie (2001) / director's cut")).isTrue();
        assertThat(Identifiers.isContentId("x".repeat(256))).isFalse();
        assertThat(Identifiers.isContentId("tmdb:\n550")).isFalse();
        assertThat(Identifiers.isContentId("")).isFalse();
    }
}
