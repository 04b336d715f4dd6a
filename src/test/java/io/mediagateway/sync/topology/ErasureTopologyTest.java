package io.mediagateway.sync.topology;

import static io.mediagateway.sync.topology.TopologyFixture.add;
import static io.mediagateway.sync.topology.TopologyFixture.event;
import static io.mediagateway.sync.topology.TopologyFixture.join;
import static io.mediagateway.sync.topology.TopologyFixture.notification;
import static io.mediagateway.sync.topology.TopologyFixture.progress;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Erasing a user in the topology (contract §16): nothing of the user's stays in any store, a late or replayed event
 * from before the erasure brings nothing back, what comes after it is a new beginning, and other users are untouched.
 */
class ErasureTopologyTest {
    private final TopologyFixture f = new TopologyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private void fill(TopologyFixture fixture, String user) {
        fixture.send(user, join("tv-1", "TV", 1, true, true));
        fixture.send(user, add("tv-1", "tmdb:550", "t1", 2).put("message_id", "m-1"));
        fixture.send(user, progress("tv-1", "tmdb:550", 600, 7200, "Playing", 3));
        fixture.send(user, event("preference_update", "phone-1", 4).put("key", "subtitles").put("value", "fr"));
        fixture.notify(user, notification("n-1", "Leaving soon"));
    }

    private static ObjectNode erase(double at) {
        return event("user_erase", "service:privacy", at);
    }

    /** Every entry any store holds whose key names {@code user}. */
    private Map<String, Map<String, String>> entriesOf(TopologyFixture fixture, String user) {
        Map<String, Map<String, String>> out = new java.util.TreeMap<>();
        for (String store : List.of(SyncStores.WATCHLIST, SyncStores.PROGRESS, SyncStores.PREFERENCES, SyncStores.DEVICES,
                SyncStores.NOW_PLAYING, SyncStores.NOTIFICATIONS, SyncStores.HISTORY, SyncStores.PRESENCE_INDEX,
                SyncStores.MESSAGE_IDS)) {
            Map<String, String> mine = new java.util.TreeMap<>();
            fixture.dump(store).forEach((k, v) -> {
                if (k.startsWith(user + "\0") || k.startsWith(user + "\1") || k.contains(hex(user + "\0"))) {
                    mine.put(k, v);
                }
            });
            if (!mine.isEmpty()) {
                out.put(store, mine);
            }
        }
        return out;
    }

    private static String hex(String s) {
        return java.util.HexFormat.of().formatHex(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void anErasureLeavesNothingOfTheUserInAnyStoreAndTellsTheDevices() {
        fill(f, "alice");
        fill(f, "bob");
        assertThat(entriesOf(f, "alice")).as("the test's check finds the user's data").containsKeys(SyncStores.WATCHLIST,
                SyncStores.PROGRESS, SyncStores.PREFERENCES, SyncStores.DEVICES, SyncStores.NOTIFICATIONS, SyncStores.HISTORY,
                SyncStores.PRESENCE_INDEX, SyncStores.MESSAGE_IDS);
        Map<String, Map<String, String>> bobBefore = entriesOf(f, "bob");
        f.deltas();

        f.send("alice", erase(10));

        List<JsonNode> deltas = f.deltas();
        assertThat(deltas).hasSize(1);
        assertThat(deltas.get(0).get("msg_type").asText()).isEqualTo("user_erased");
        assertThat(deltas.get(0).get("user_id").asText()).isEqualTo("alice");
        Map<String, Map<String, String>> left = entriesOf(f, "alice");
        assertThat(left).as("only the erasure's own change is in the history").containsOnlyKeys(SyncStores.HISTORY);
        assertThat(left.get(SyncStores.HISTORY)).hasSize(1).allSatisfy((k, v) -> assertThat(v).contains("user_erased")
                .doesNotContain("tmdb:550", "subtitles", "Leaving soon", "tv-1"));
        assertThat(f.store(SyncStores.ERASURES).get("alice")).isEqualTo(TopologyFixture.hlc(10));
        assertThat(entriesOf(f, "bob")).as("bob is untouched").isEqualTo(bobBefore);
    }

    @Test
    void aLateEventFromBeforeTheErasureBringsNothingBackAndALaterOneIsANewBeginning() {
        fill(f, "alice");
        f.send("alice", erase(10));
        f.deltas();

        f.send("alice", add("phone-1", "tmdb:13", "late", 9));          // written offline before the erasure
        f.send("alice", erase(10));                                      // the same erasure again
        f.notify("alice", io.mediagateway.sync.codec.Json.bytes(notification("n-old", "Sent before")),
                TopologyFixture.START.plusSeconds(5));
        assertThat(f.deltas()).isEmpty();
        assertThat(f.watchlistItem("alice", "tmdb:13")).isNull();

        f.send("alice", add("phone-1", "tmdb:27", "new", 11));
        f.send("alice", event("watchlist_update", "phone-1").put("operation", "Add").put("content_id", "tmdb:28"));
        assertThat(f.deltas()).extracting(d -> d.get("content_id").asText()).containsExactly("tmdb:27", "tmdb:28");
    }

    @Test
    void replayingTheWholeLogEndsWithTheSameStoresAsTheLiveRun() {
        fill(f, "alice");
        fill(f, "bob");
        f.send("alice", erase(10));
        f.send("alice", add("phone-1", "tmdb:27", "new", 11));
        try (TopologyFixture replay = new TopologyFixture()) {
            fill(replay, "alice");
            fill(replay, "bob");
            replay.send("alice", erase(10));
            replay.send("alice", add("phone-1", "tmdb:27", "new", 11));
            for (String store : List.of(SyncStores.WATCHLIST, SyncStores.PROGRESS, SyncStores.PREFERENCES,
                    SyncStores.DEVICES, SyncStores.NOTIFICATIONS, SyncStores.ERASURES)) {
                assertThat(replay.dump(store)).as(store).isEqualTo(f.dump(store));
            }
        }
    }

    @Test
    void erasingAnUnknownUserRecordsTheErasureAndDeletesNothingElse() {
        fill(f, "bob");
        Map<String, Map<String, String>> bobBefore = entriesOf(f, "bob");
        f.deltas();
        f.send("nobody", erase(10));
        assertThat(f.deltas()).extracting(d -> d.get("msg_type").asText()).containsExactly("user_erased");
        assertThat(entriesOf(f, "bob")).isEqualTo(bobBefore);
        f.advance(Duration.ofMinutes(5));
    }
}
