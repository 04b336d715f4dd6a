package io.mediagateway.sync.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.crdt.Stamp;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceRecordTest {
    static final Capabilities TV_CAPS = new Capabilities("UHD_4K", List.of("EAC3", "AAC"), List.of("HDR10"), true, true, 65.0);
    static final DeviceInfo TV = new DeviceInfo("TV", "Tizen", TV_CAPS, "5.2.0", "Living room", null, "good");
    private static final long TIMEOUT = 60_000;

    @Test
    void shouldBeOnlineFromAJoinUntilTheTimeoutPassesWithoutAHeartbeat() {
        DeviceRecord joined = DeviceRecord.seen(TV, new Stamp(100, "tv"), 1_000);

        assertThat(joined.online()).isTrue();
        assertThat(joined.isDue(1_000 + TIMEOUT - 1, PresenceTimeouts.of(TIMEOUT))).isFalse();
        assertThat(joined.isDue(1_000 + TIMEOUT, PresenceTimeouts.of(TIMEOUT))).isTrue();

        DeviceRecord timedOut = joined.timeout();
        assertThat(timedOut.online()).isFalse();
        assertThat(timedOut.presence().value().offlineReason()).isEqualTo("timeout");
        assertThat(timedOut.isDue(10_000_000, PresenceTimeouts.of(TIMEOUT))).isFalse();
    }

    @Test
    void shouldComeBackOnlineWithANewerHeartbeatButNotWithAStaleOne() {
        DeviceRecord timedOut = DeviceRecord.seen(TV, new Stamp(100, "tv"), 1_000).timeout();

        assertThat(timedOut.merge(DeviceRecord.seen(null, new Stamp(100, "tv"), 1_000)).online())
                .as("the very heartbeat that timed out, delivered again").isFalse();
        assertThat(timedOut.merge(DeviceRecord.seen(null, new Stamp(90, "tv"), 900)).online()).isFalse();
        assertThat(timedOut.merge(DeviceRecord.seen(null, new Stamp(101, "tv"), 70_000)).online()).isTrue();
    }

    @Test
    void shouldGoOfflineOnLeaveAndKeepTheDescription() {
        DeviceRecord left = DeviceRecord.seen(TV, new Stamp(100, "tv"), 1_000).merge(DeviceRecord.left(new Stamp(200, "tv")));

        assertThat(left.online()).isFalse();
        assertThat(left.presence().value().offlineReason()).isEqualTo("leave");
        assertThat(left.info()).hasValueSatisfying(i -> assertThat(i.value()).isEqualTo(TV));
        assertThat(left.lastSeenMs()).isEqualTo(1_000);
    }

    @Test
    void shouldMergeCommutatively() {
        DeviceRecord a = DeviceRecord.seen(TV, new Stamp(100, "tv"), 1_000);
        DeviceRecord b = DeviceRecord.left(new Stamp(150, "tv"));
        DeviceRecord c = DeviceRecord.seen(null, new Stamp(120, "tv"), 2_000);

        assertThat(a.merge(b).merge(c)).isEqualTo(c.merge(b.merge(a)));
        assertThat(a.merge(a)).isEqualTo(a);
    }
}
