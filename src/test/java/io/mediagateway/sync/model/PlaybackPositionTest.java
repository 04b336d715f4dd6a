package io.mediagateway.sync.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PlaybackPositionTest {

    @Test
    void shouldDeriveCompletionAndResumePosition() {
        PlaybackPosition halfway = new PlaybackPosition(3000, 6000, PlaybackState.PAUSED, null, null);

        assertThat(halfway.completionRatio()).isEqualTo(0.5);
        assertThat(new PlaybackPosition(1580, 4000, PlaybackState.PLAYING, null, null).completionRatio())
                .as("a ratio, as the specification's payloads have it").isEqualTo(0.395);
        assertThat(halfway.completed()).isFalse();
        assertThat(halfway.resumePositionSeconds()).isEqualTo(3000);
    }

    @Test
    void shouldCountNinetyPercentAsCompletedAndResumeFromTheStart() {
        PlaybackPosition almost = new PlaybackPosition(5399.9, 6000, PlaybackState.PLAYING, null, null);
        PlaybackPosition ninety = new PlaybackPosition(5400, 6000, PlaybackState.STOPPED, null, null);

        assertThat(almost.completed()).isFalse();
        assertThat(ninety.completed()).isTrue();
        assertThat(ninety.completionRatio()).isEqualTo(0.9);
        assertThat(ninety.resumePositionSeconds()).isZero();
    }

    @Test
    void shouldCapCompletionAtOne() {
        assertThat(new PlaybackPosition(7000, 6000, PlaybackState.STOPPED, null, null).completionRatio()).isEqualTo(1.0);
    }

    @Test
    void shouldRejectImpossiblePositions() {
        assertThatThrownBy(() -> new PlaybackPosition(-1, 10, PlaybackState.PAUSED, null, null))
                .hasMessageContaining("position_seconds");
        assertThatThrownBy(() -> new PlaybackPosition(1, 0, PlaybackState.PAUSED, null, null))
                .hasMessageContaining("duration_seconds");
        assertThatThrownBy(() -> new PlaybackPosition(Double.NaN, 10, PlaybackState.PAUSED, null, null))
                .hasMessageContaining("position_seconds");
    }

    @Test
    void shouldParseStatesInAnyCase() {
        assertThat(PlaybackState.parse("PLAYING")).contains(PlaybackState.PLAYING);
        assertThat(PlaybackState.parse("paused")).contains(PlaybackState.PAUSED);
        assertThat(PlaybackState.parse("Stopped")).contains(PlaybackState.STOPPED);
        assertThat(PlaybackState.parse("rewinding")).isEmpty();
    }
}
