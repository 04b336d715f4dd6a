package io.mediagateway.sync.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.crdt.LwwRegister;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.crdt.Stamp;
import java.util.List;
import org.junit.jupiter.api.Test;

class UserStateTest {
    private static final OrElement.Policy POLICY = OrElement.Policy.DEFAULT;

    @Test
    void shouldExpireOnlyDevicesWhoseHeartbeatIsOlderThanTheTimeout() {
        UserState state = UserState.EMPTY
                .writeDevice("tv", DeviceRecord.seen(DeviceRecordTest.TV, new Stamp(1, "tv"), 1_000))
                .writeDevice("phone", DeviceRecord.seen(null, new Stamp(2, "phone"), 50_000));

        UserState expired = state.expirePresence(61_000, 60_000);

        assertThat(expired.devices().get("tv").online()).isFalse();
        assertThat(expired.devices().get("tv").presence().value()).isEqualTo(Presence.OFFLINE_TIMEOUT);
        assertThat(expired.devices().get("phone").online()).isTrue();
    }

    @Test
    void shouldKnowWhichDeviceIsPlayingFromTheWinningProgress() {
        UserState state = UserState.EMPTY
                .writeProgress("tmdb:550", LwwRegister.of(new PlaybackPosition(10, 100, PlaybackState.PLAYING, null, null),
                        new Stamp(5, "tv")))
                .writeProgress("tmdb:13", LwwRegister.of(new PlaybackPosition(10, 100, PlaybackState.PAUSED, null, null),
                        new Stamp(5, "phone")));

        assertThat(state.isPlaying("tv")).isTrue();
        assertThat(state.isPlaying("phone")).isFalse();
        assertThat(state.writeProgress("tmdb:550", LwwRegister.of(
                new PlaybackPosition(12, 100, PlaybackState.PLAYING, null, null), new Stamp(6, "phone"))).isPlaying("tv"))
                .as("the phone took over the content").isFalse();
    }

    @Test
    void shouldDropAWatchlistItemWhoseStateIsEmpty() {
        UserState state = UserState.EMPTY.addToWatchlist("tmdb:550", "t", new Stamp(1, "tv"), ContentMetadata.NONE, POLICY)
                .removeFromWatchlist("tmdb:550", List.of("t"), new Stamp(2, "tv"), POLICY);

        assertThat(state.watchlist().get("tmdb:550").isPresent()).isFalse();
        assertThat(state.watchlist().get("tmdb:550").clock()).containsEntry("tv", 1L);
    }
}
