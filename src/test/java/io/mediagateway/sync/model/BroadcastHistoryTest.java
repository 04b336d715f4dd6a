package io.mediagateway.sync.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a broadcast channel keeps and answers (contract §14). */
class BroadcastHistoryTest {
    private static final long DAY = 86_400_000L;
    private static final long T = 1_765_000_000_000L;

    private static BroadcastHistory.Entry entry(int n, long at) {
        return new BroadcastHistory.Entry("0-" + n, at, "{\"n\":" + n + "}");
    }

    @Test
    void keepsTheChannelsCountAndDropsWhatIsOlderThanItsAge() {
        BroadcastChannel announcements = BroadcastChannel.parse("global.announcements").orElseThrow();
        BroadcastHistory h = BroadcastHistory.empty(announcements);
        for (int i = 0; i < 130; i++) {
            h = h.append(entry(i, T + i), T + i);
        }
        assertThat(h.entries()).hasSize(100);
        assertThat(h.entries().get(0).cursor()).isEqualTo("0-30");

        BroadcastChannel region = BroadcastChannel.region("eu").orElseThrow();
        BroadcastHistory r = BroadcastHistory.empty(region).append(entry(1, T), T).append(entry(2, T + 6 * DAY), T + 6 * DAY);
        assertThat(r.append(entry(3, T + 7 * DAY + 1), T + 7 * DAY + 1).entries()).extracting(BroadcastHistory.Entry::cursor)
                .as("7 days for a region").containsExactly("0-2", "0-3");
        assertThat(r.at(T + 8 * DAY)).as("an answer leaves out what aged since").extracting(BroadcastHistory.Entry::cursor)
                .containsExactly("0-2");
    }

    @Test
    void sinceACursorGivesWhatCameAfterItAndAnUnknownOneAResetWithEverythingKept() {
        BroadcastHistory h = BroadcastHistory.empty(BroadcastChannel.parse("platform.tizen.catalog").orElseThrow());
        for (int i = 0; i < 5; i++) {
            h = h.append(entry(i, T + i), T + i);
        }
        assertThat(h.since("0-2", T + 10).entries()).extracting(BroadcastHistory.Entry::cursor).containsExactly("0-3", "0-4");
        assertThat(h.since("0-2", T + 10).reset()).isFalse();
        assertThat(h.since("0-4", T + 10).entries()).isEmpty();
        assertThat(h.since(null, T + 10).entries()).hasSize(5);
        BroadcastHistory.Since gone = h.since("0-999", T + 10);
        assertThat(gone.reset()).isTrue();
        assertThat(gone.entries()).hasSize(5);
    }

    @Test
    void aChannelKeepsAtMostItsCharacterBoundWhateverItsCount() {
        BroadcastHistory h = BroadcastHistory.empty(BroadcastChannel.parse("platform.tizen.catalog").orElseThrow());
        String big = "{\"text\":\"" + "x".repeat(30 * 1024) + "\"}";
        for (int i = 0; i < 1_000; i++) {
            h = h.append(new BroadcastHistory.Entry("0-" + i, T + i, big), T + i);
        }
        int fit = BroadcastHistory.MAX_CHARS / big.length();
        assertThat(h.entries()).hasSize(fit);
        assertThat(h.entries().get(fit - 1).cursor()).isEqualTo("0-999");
    }

    @Test
    void trendingKeepsTheNewestListOfEachInterval() {
        long hour = 3_600_000;
        long start = Math.floorDiv(T, hour) * hour;
        BroadcastHistory h = BroadcastHistory.empty(BroadcastChannel.parse("global.trending").orElseThrow());
        h = h.appendNewestPerInterval(entry(0, start), hour, start);
        h = h.appendNewestPerInterval(entry(1, start + 60_000), hour, start + 60_000);
        h = h.appendNewestPerInterval(entry(2, start + hour - 1), hour, start + hour - 1);
        assertThat(h.entries()).extracting(BroadcastHistory.Entry::cursor).containsExactly("0-2");
        assertThat(h.since("0-0", start + hour).reset()).as("a replaced list's cursor").isTrue();
        h = h.appendNewestPerInterval(entry(3, start + hour), hour, start + hour);
        assertThat(h.entries()).extracting(BroadcastHistory.Entry::cursor).containsExactly("0-2", "0-3");
        for (int i = 4; i <= 40; i++) {
            h = h.appendNewestPerInterval(entry(i, start + (i - 2) * hour), hour, start + (i - 2) * hour);
        }
        assertThat(h.entries()).as("24 at most").hasSize(24);
        assertThat(h.entries().get(23).cursor()).isEqualTo("0-40");
    }
}
