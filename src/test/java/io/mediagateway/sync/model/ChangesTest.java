package io.mediagateway.sync.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.crdt.Stamp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decisions the topology's steps take, as the pure functions they are: no Kafka, no stores. */
class ChangesTest {
    private static final OrElement.Policy POLICY = OrElement.Policy.DEFAULT;
    private static final ContentMetadata FIGHT_CLUB = new ContentMetadata("Fight Club", 1999, null, "movie");

    @Test
    void shouldShowAWatchlistAddItsTagsAndMetadataAndARemoveWhatItRemoved() {
        Stamp s1 = new Stamp(10, "tv");
        OrElement<ContentMetadata> added = OrElement.<ContentMetadata>empty().add("t1", s1, FIGHT_CLUB, POLICY);

        Delta.Watchlist add = (Delta.Watchlist) WatchlistChanges.delta("alice", s1, () -> "0-1-0", "add", "tmdb:550",
                OrElement.empty(), added).orElseThrow();
        assertThat(add.addedTags()).containsExactly("t1");
        assertThat(add.present()).isTrue();
        assertThat(add.metadata()).isEqualTo(FIGHT_CLUB);

        Stamp s2 = new Stamp(20, "phone");
        OrElement<ContentMetadata> removed = added.remove(List.of("t1"), s2, POLICY);
        Delta.Watchlist remove = (Delta.Watchlist) WatchlistChanges.delta("alice", s2, () -> "0-2-0", "remove",
                "tmdb:550", added, removed).orElseThrow();
        assertThat(remove.removedTags()).containsExactly("t1");
        assertThat(remove.present()).isFalse();
    }

    @Test
    void shouldShowNothingForAChangeNoReaderCanSeeAndNotSpendADeltaId() {
        Stamp s1 = new Stamp(10, "tv");
        OrElement<ContentMetadata> added = OrElement.<ContentMetadata>empty().add("t1", s1, FIGHT_CLUB, POLICY);
        // a remove of a tag the element never had changes only the remover's clock
        OrElement<ContentMetadata> after = added.remove(List.of("other"), new Stamp(5, "web"), POLICY);
        assertThat(WatchlistChanges.delta("alice", s1, () -> {
            throw new AssertionError("no id for an invisible change");
        }, "remove", "tmdb:550", added, after)).isEmpty();
    }

    @Test
    void shouldTimeADeviceOutBeforeItsEventWhenItWasSilentForTheTimeout() {
        DeviceRecord joined = DeviceRecord.seen(DeviceRecordTest.TV, new Stamp(1, "tv"), 1_000);
        DeviceRecord heartbeat = DeviceRecord.seen(null, new Stamp(2, "tv"), 200_000);

        DeviceChanges.Transition late = DeviceChanges.apply(joined, heartbeat, 200_000, PresenceTimeouts.of(60_000));
        assertThat(late.timedOutFirst()).isTrue();
        assertThat(late.timedOut().online()).isFalse();
        assertThat(late.after().online()).isTrue();
        assertThat(DeviceChanges.visible(late.timedOut(), late.after())).contains("device_online");
        assertThat(DeviceChanges.timeoutDelta("alice", "tv", late.timedOut()).deltaId()).isEqualTo("timeout:alice:1:tv");

        DeviceChanges.Transition onTime = DeviceChanges.apply(joined, DeviceRecord.seen(null, new Stamp(2, "tv"), 30_000),
                30_000, PresenceTimeouts.of(60_000));
        assertThat(onTime.timedOutFirst()).isFalse();
        assertThat(DeviceChanges.visible(onTime.timedOut(), onTime.after())).isEmpty();
    }

    @Test
    void shouldShowANewDescriptionAsDeviceUpdatedAndALeaveAsOfflineWithItsReason() {
        DeviceRecord joined = DeviceRecord.seen(DeviceRecordTest.TV, new Stamp(1, "tv"), 1_000);
        assertThat(DeviceChanges.visible(null, joined)).contains("device_online");
        DeviceRecord renamed = joined.merge(DeviceRecord.seen(new DeviceInfo("TV", "Tizen", Capabilities.NONE, "6.0",
                "Bedroom TV", null, null), new Stamp(2, "tv"), 2_000));
        assertThat(DeviceChanges.visible(joined, renamed)).contains("device_updated");
        DeviceRecord left = renamed.merge(DeviceRecord.left(new Stamp(3, "tv")));
        String type = DeviceChanges.visible(renamed, left).orElseThrow();
        assertThat(type).isEqualTo("device_offline");
        assertThat(DeviceChanges.delta(type, "alice", 3, "tv", "0-3-0", left).reason()).isEqualTo("leave");
    }
}
