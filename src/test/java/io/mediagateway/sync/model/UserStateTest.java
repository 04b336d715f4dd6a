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

        UserState expired = state.expirePresence(61_000, PresenceTimeouts.of(60_000));

        assertThat(expired.devices().get("tv").online()).isFalse();
        assertThat(expired.devices().get("tv").presence().value()).isEqualTo(Presence.OFFLINE_TIMEOUT);
        assertThat(expired.devices().get("phone").online()).isTrue();
    }

    @Test
    void shouldDropAWatchlistItemWhoseStateIsEmpty() {
        UserState state = UserState.EMPTY.addToWatchlist("tmdb:550", "t", new Stamp(1, "tv"), ContentMetadata.NONE, POLICY)
                .removeFromWatchlist("tmdb:550", List.of("t"), new Stamp(2, "tv"), POLICY);

        assertThat(state.watchlist().get("tmdb:550").isPresent()).isFalse();
        assertThat(state.watchlist().get("tmdb:550").clock()).containsEntry("tv", 1L);
    }
}
