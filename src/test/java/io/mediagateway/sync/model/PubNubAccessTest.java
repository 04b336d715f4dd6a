package io.mediagateway.sync.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediagateway.sync.model.PubNubAccess.Permission;
import io.mediagateway.sync.model.PubNubAccess.UserChannelKind;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A user's PubNub channels and a token's permissions (contract §15). */
class PubNubAccessTest {

    @Test
    void aTokenNamesTheUsersOwnChannelsTheGlobalOnesAndAValidRegionOnly() {
        assertThat(PubNubAccess.channels("alice", Optional.of("eu-west"), false)).containsExactly(
                java.util.Map.entry("user.alice.sync", Set.of(Permission.READ)),
                java.util.Map.entry("user.alice.devices", Set.of(Permission.READ)),
                java.util.Map.entry("user.alice.notifications", Set.of(Permission.READ)),
                java.util.Map.entry("global.trending", Set.of(Permission.READ)),
                java.util.Map.entry("global.announcements", Set.of(Permission.READ)),
                java.util.Map.entry("region.eu-west.updates", Set.of(Permission.READ)));
        assertThat(PubNubAccess.channels("alice", Optional.of("eu west,*"), true)).doesNotContainKey("region.eu west,*.updates")
                .hasSize(5).containsEntry("user.alice.sync", Set.of(Permission.READ, Permission.WRITE))
                .containsEntry("user.alice.notifications", Set.of(Permission.READ));
        assertThatThrownBy(() -> PubNubAccess.channels("a.b", Optional.empty(), true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyAUsersOwnThreeChannelsAreReadAsUserChannels() {
        assertThat(PubNubAccess.userChannel("user.alice.sync")).contains(new PubNubAccess.UserChannel("alice", UserChannelKind.SYNC));
        assertThat(PubNubAccess.userChannel("user.al-ice_1.devices")).hasValueSatisfying(c -> assertThat(c.takesEvents()).isTrue());
        assertThat(PubNubAccess.userChannel("user.alice.notifications")).hasValueSatisfying(c -> assertThat(c.takesEvents()).isFalse());
        for (String other : new String[] {"user.alice", "user..sync", "user.a.b.sync", "users.alice.sync", "user.alice.other",
                "global.trending", "user.alice.sync.x"}) {
            assertThat(PubNubAccess.userChannel(other)).as(other).isEmpty();
        }
    }
}
