package io.mediagateway.sync.topology;

import static io.mediagateway.sync.topology.TopologyFixture.add;
import static io.mediagateway.sync.topology.TopologyFixture.event;
import static io.mediagateway.sync.topology.TopologyFixture.hlc;
import static io.mediagateway.sync.topology.TopologyFixture.join;
import static io.mediagateway.sync.topology.TopologyFixture.progress;
import static io.mediagateway.sync.topology.TopologyFixture.remove;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.codec.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every state-changing msg_type through the real topology: stores, deltas, duplicates and stale writes. */
class StateTopologyTest {
    private final TopologyFixture t = new TopologyFixture();

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void watchlistAddThenRemoveEmitsOneDeltaEachWithTheLiveTags() {
        t.send("alice", add("tv", "tmdb:550", "tag-1", 1).set("content_metadata",
                Json.parse("{\"title\":\"Fight Club\",\"year\":1999}")));
        List<JsonNode> added = t.deltas();
        assertThat(added).hasSize(1);
        JsonNode d = added.get(0);
        assertThat(d.path("msg_type").asText()).isEqualTo("watchlist_update");
        assertThat(d.path("user_id").asText()).isEqualTo("alice");
        assertThat(d.path("device_id").asText()).isEqualTo("tv");
        assertThat(d.path("hlc").asText()).isEqualTo(Long.toString(hlc(1)));
        assertThat(d.path("operation").asText()).isEqualTo("add");
        assertThat(d.path("content_id").asText()).isEqualTo("tmdb:550");
        assertThat(d.path("present").asBoolean()).isTrue();
        assertThat(d.path("unique_tags").toString()).isEqualTo("[\"tag-1\"]");
        assertThat(d.path("added_tags").toString()).isEqualTo("[\"tag-1\"]");
        assertThat(d.path("removed_tags").toString()).isEqualTo("[]");
        assertThat(d.path("content_metadata").path("title").asText()).isEqualTo("Fight Club");
        assertThat(d.path("delta_id").asText()).isNotBlank();
        assertThat(t.watchlistItem("alice", "tmdb:550").live().containsKey("tag-1")).isTrue();

        t.send("alice", remove("phone", "tmdb:550", 2, "tag-1"));
        List<JsonNode> removed = t.deltas();
        assertThat(removed).hasSize(1);
        assertThat(removed.get(0).path("operation").asText()).isEqualTo("remove");
        assertThat(removed.get(0).path("present").asBoolean()).isFalse();
        assertThat(removed.get(0).path("unique_tags").size()).isZero();
        assertThat(removed.get(0).path("added_tags").size()).isZero();
        assertThat(removed.get(0).path("removed_tags").toString()).isEqualTo("[\"tag-1\"]");
        assertThat(removed.get(0).path("device_id").asText()).isEqualTo("phone");
    }

    @Test
    void aConcurrentAddSurvivesARemoveThatDidNotObserveIt() {
        t.send("alice", add("tv", "c1", "tv-tag", 1));
        t.send("alice", add("phone", "c1", "phone-tag", 2));
        t.send("alice", remove("web", "c1", 3, "tv-tag"));
        List<JsonNode> deltas = t.deltas();
        assertThat(deltas).hasSize(3);
        JsonNode last = deltas.get(2);
        assertThat(last.path("present").asBoolean()).isTrue();
        assertThat(last.path("unique_tags").toString()).isEqualTo("[\"phone-tag\"]");
        assertThat(last.path("removed_tags").toString()).isEqualTo("[\"tv-tag\"]");
        assertThat(deltas.get(1).path("added_tags").toString()).isEqualTo("[\"phone-tag\"]");
    }

    @Test
    void aRemoveWithoutObservedTagsRemovesEveryTagTheServerHolds() {
        t.send("alice", add("tv", "c1", "a", 1));
        t.send("alice", add("phone", "c1", "b", 2));
        t.send("alice", remove("web", "c1", 3));
        assertThat(t.deltas().get(2).path("present").asBoolean()).isFalse();
    }

    @Test
    void anAddWithoutATagGetsADeterministicOne() {
        t.send("alice", event("watchlist_update", "tv", 1).put("operation", "ADD").put("content_id", "c1"));
        assertThat(t.deltas().get(0).path("unique_tags").get(0).asText()).isEqualTo("tv@" + hlc(1));
    }

    @Test
    void aRemoveBeforeItsAddIsDeferredAndTheLateAddStaysRemoved() {
        t.send("alice", remove("phone", "c1", 2, "tag-1"));
        assertThat(t.deltas()).isEmpty();
        t.send("alice", add("tv", "c1", "tag-1", 1));
        assertThat(t.deltas()).isEmpty();
        assertThat(t.watchlistItem("alice", "c1").live()).isEmpty();
    }

    /** A store written by a version that kept JSON values: read as it is, rewritten in the binary form when touched. */
    @Test
    void itemsStoredAsJsonByAnEarlierVersionAreReadAndRewrittenInTheBinaryForm() {
        byte[] element = ("{\"clock\":{},\"live\":{\"tag-1\":{\"device_id\":\"tv\",\"hlc\":\"" + hlc(1)
                + "\"}},\"removers\":{}}").getBytes(StandardCharsets.UTF_8);
        byte[] position = ("{\"device_id\":\"tv\",\"duration_seconds\":100.0,\"hlc\":\"" + hlc(2)
                + "\",\"position_seconds\":10.0,\"state\":\"Playing\"}").getBytes(StandardCharsets.UTF_8);
        t.store(SyncStores.WATCHLIST).put(UserKeys.key("alice", "c1"), element);
        t.store(SyncStores.PROGRESS).put(UserKeys.key("alice", "c1"), position);

        t.send("alice", progress("tv", "c1", 5, 100, "Playing", 1.5)); // older than the stored one: no change
        t.send("alice", remove("phone", "c1", 3, "tag-1"));
        t.send("alice", progress("tv", "c1", 20, 100, "Paused", 4));

        List<JsonNode> deltas = t.deltas();
        assertThat(deltas).extracting(d -> d.path("msg_type").asText())
                .containsExactly("watchlist_update", "watch_progress_update");
        assertThat(deltas.get(0).path("removed_tags").toString()).isEqualTo("[\"tag-1\"]");
        assertThat(deltas.get(0).path("present").asBoolean()).isFalse();
        assertThat(deltas.get(1).path("position_seconds").asDouble()).isEqualTo(20);
        assertThat(((byte[]) t.store(SyncStores.WATCHLIST).get(UserKeys.key("alice", "c1")))[0]).isEqualTo((byte) 1);
        assertThat(((byte[]) t.store(SyncStores.PROGRESS).get(UserKeys.key("alice", "c1")))[0]).isEqualTo((byte) 1);
        assertThat(t.progress("alice", "c1").value().positionSeconds()).isEqualTo(20);
    }

    @Test
    void duplicatesAndNoOpsEmitNothing() {
        t.send("alice", add("tv", "c1", "tag-1", 1));
        t.send("alice", add("tv", "c1", "tag-1", 1));
        t.send("alice", remove("tv", "c2", 2, "never-added"));
        t.send("alice", progress("tv", "c1", 10, 100, "Playing", 3));
        t.send("alice", progress("tv", "c1", 10, 100, "Playing", 3));
        assertThat(t.deltas()).extracting(d -> d.path("msg_type").asText())
                .containsExactly("watchlist_update", "watch_progress_update");
    }

    @Test
    void aRepeatedMessageIdIsDroppedEvenWithDifferentContent() {
        t.send("alice", add("tv", "c1", "t1", 1).put("message_id", "m-1"));
        t.send("alice", add("tv", "c2", "t2", 2).put("message_id", "m-1"));
        t.send("bob", add("tv", "c2", "t2", 2).put("message_id", "m-1"));
        List<JsonNode> deltas = t.deltas();
        assertThat(deltas).extracting(d -> d.path("user_id").asText() + "/" + d.path("content_id").asText())
                .containsExactly("alice/c1", "bob/c2");
        assertThat(t.watchlistItem("alice", "c2")).isNull();
    }

    @Test
    void messageIdsAreForgottenAfterTheWindow() {
        t.send("alice", add("tv", "c1", "t1", 1).put("message_id", "m-1"));
        t.advance(SyncTopology.Settings.DEFAULT_DEDUP_WINDOW.plusMinutes(1));
        t.send("alice", add("tv", "c2", "t2", 2).put("message_id", "m-1"));
        assertThat(t.deltas()).extracting(d -> d.path("content_id").asText()).containsExactly("c1", "c2");
    }

    @Test
    void theDuplicateWindowKeepsOnlyTheIdsWithinItsWindowOfStreamTime() {
        for (int i = 0; i < 5; i++) {
            t.send("alice", add("tv", "c" + i, "t" + i, 1 + i).put("message_id", "old-" + i));
        }
        assertThat(t.dump(SyncStores.MESSAGE_IDS)).as("an entry and its expiry index per id").hasSize(10);
        t.advance(SyncTopology.Settings.DEFAULT_DEDUP_WINDOW.minusMinutes(1));
        t.send("alice", add("tv", "c9", "t9", 9).put("message_id", "new-1"));
        t.advance(Duration.ofSeconds(2));
        assertThat(t.dump(SyncStores.MESSAGE_IDS)).as("all within the window still").hasSize(12);

        // stream time moves past the first ids' window: the next sweep forgets them, keeps the newer one
        t.advance(Duration.ofMinutes(2));
        t.send("alice", add("tv", "c10", "t10", 10).put("message_id", "new-2"));
        t.advance(Duration.ofSeconds(2));
        assertThat(t.dump(SyncStores.MESSAGE_IDS)).hasSize(4).allSatisfy((k, v) -> assertThat(k)
                .containsAnyOf(hex("alice\0new-1"), hex("alice\0new-2")));
        t.send("alice", add("tv", "c9", "t9", 9).put("message_id", "new-1"));
        t.send("alice", add("tv", "c20", "t20", 11).put("message_id", "old-0"));
        assertThat(t.deltas()).extracting(d -> d.path("content_id").asText())
                .containsExactly("c0", "c1", "c2", "c3", "c4", "c9", "c10", "c20");
    }

    private static String hex(String s) {
        return java.util.HexFormat.of().formatHex(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void progressIsLastWriterWinsWithDerivedFields() {
        t.send("alice", progress("tv", "c1", 50, 100, "playing", 5));
        t.send("alice", progress("phone", "c1", 20, 100, "Paused", 4));
        t.send("alice", progress("phone", "c1", 95, 100, "Stopped", 6));
        List<JsonNode> deltas = t.deltas();
        assertThat(deltas).hasSize(2);
        JsonNode first = deltas.get(0);
        assertThat(first.path("msg_type").asText()).isEqualTo("watch_progress_update");
        assertThat(first.path("position_seconds").asDouble()).isEqualTo(50);
        assertThat(first.path("completion_percent").asDouble()).isEqualTo(0.5);
        assertThat(first.path("completed").asBoolean()).isFalse();
        assertThat(first.path("resume_position_seconds").asDouble()).isEqualTo(50);
        assertThat(first.path("state").asText()).isEqualTo("Playing");
        JsonNode last = deltas.get(1);
        assertThat(last.path("device_id").asText()).isEqualTo("phone");
        assertThat(last.path("completed").asBoolean()).isTrue();
        assertThat(last.path("resume_position_seconds").asDouble()).isZero();
        assertThat(t.progress("alice", "c1").value().positionSeconds()).isEqualTo(95);
    }

    @Test
    void equalHlcsAreBrokenByTheGreaterDeviceId() {
        t.send("alice", progress("b-device", "c1", 10, 100, "Paused", 5));
        t.send("alice", progress("a-device", "c1", 20, 100, "Paused", 5));
        t.send("alice", progress("c-device", "c1", 30, 100, "Paused", 5));
        assertThat(t.deltas()).extracting(d -> d.path("device_id").asText()).containsExactly("b-device", "c-device");
    }

    @Test
    void theProgressAliasAndTheMicrosecondTimestampAreAccepted() {
        long micros = TopologyFixture.START.toEpochMilli() * 1000 + 7_000_000;
        t.send("alice", Json.parse("{\"msg_type\":\"watch_progress_update\",\"device_id\":\"tv\",\"content_id\":\"c1\","
                + "\"progress_seconds\":12.5,\"duration_seconds\":100,\"state\":\"PAUSED\",\"timestamp\":" + micros + "}"));
        JsonNode d = t.deltas().get(0);
        assertThat(d.path("position_seconds").asDouble()).isEqualTo(12.5);
        assertThat(d.path("hlc").asText()).isEqualTo(Long.toString(hlc(7)));
    }

    @Test
    void anEventWithoutATimeIsStampedFromItsRecordAndAboveEverythingSeen() {
        t.send("alice", progress("tv", "c1", 10, 100, "Paused", 30));
        t.send("alice", event("watch_progress_update", "phone").put("content_id", "c1").put("position_seconds", 20)
                .put("duration_seconds", 100));
        List<JsonNode> deltas = t.deltas();
        assertThat(deltas).hasSize(2);
        long assigned = Long.parseLong(deltas.get(1).path("hlc").asText());
        assertThat(assigned).isEqualTo(hlc(30) + 1);
        assertThat(deltas.get(1).path("state").asText()).isEqualTo("Paused");
    }

    @Test
    void preferencesAreLastWriterWinsAndKeepAnyJson() {
        t.send("alice", event("preference_update", "tv", 1).put("key", "subtitles").set("value",
                Json.parse("{\"lang\":\"fr\",\"size\":2}")));
        t.send("alice", event("preference_update", "phone", 0.5).put("key", "subtitles").put("value", "stale"));
        t.send("alice", event("preference_update", "phone", 2).put("key", "autoplay").put("value", false));
        List<JsonNode> deltas = t.deltas();
        assertThat(deltas).hasSize(2);
        assertThat(deltas.get(0).path("msg_type").asText()).isEqualTo("preference_update");
        assertThat(deltas.get(0).path("key").asText()).isEqualTo("subtitles");
        assertThat(deltas.get(0).path("value").toString()).isEqualTo("{\"lang\":\"fr\",\"size\":2}");
        assertThat(deltas.get(1).path("value").asBoolean(true)).isFalse();
    }

    @Test
    void devicesJoinUpdateAndLeave() {
        t.send("alice", join("tv", "TV", 1, true, true));
        t.advance(Duration.ofSeconds(10));
        t.send("alice", event("device_heartbeat", "tv", 11));
        t.send("alice", join("tv", "tv", 12, true, false));
        t.send("alice", event("device_leave", "tv", 20));
        t.send("alice", event("device_leave", "tv", 20));
        List<JsonNode> deltas = t.deltas();
        assertThat(deltas).extracting(d -> d.path("msg_type").asText())
                .containsExactly("device_online", "device_updated", "device_offline");
        JsonNode online = deltas.get(0);
        assertThat(online.path("online").asBoolean()).isTrue();
        assertThat(online.path("device_type").asText()).isEqualTo("TV");
        assertThat(online.path("platform").asText()).isEqualTo("Tizen");
        assertThat(online.path("capabilities").path("remote_controllable").asBoolean()).isTrue();
        assertThat(online.path("last_seen").asLong()).isEqualTo(TopologyFixture.START.toEpochMilli());
        assertThat(deltas.get(1).path("capabilities").path("can_cast").asBoolean()).isFalse();
        assertThat(deltas.get(2).path("reason").asText()).isEqualTo("leave");
        assertThat(deltas.get(2).path("online").asBoolean()).isFalse();
        assertThat(t.store(SyncStores.PRESENCE_INDEX).approximateNumEntries()).isZero();
    }

    @Test
    void aJoinOlderThanTheLeaveDoesNotBringTheDeviceBack() {
        t.send("alice", event("device_leave", "tv", 20));
        // a leave of a device that never joined lists nothing (contract §12: a socket closed by a device that
        // never registered leaves no trace); the older join then lists it, offline
        assertThat(t.deltas()).isEmpty();
        t.send("alice", join("tv", "TV", 10, true, true));
        List<JsonNode> deltas = t.deltas();
        assertThat(deltas).extracting(d -> d.path("msg_type").asText()).containsExactly("device_offline");
        assertThat(deltas.get(0).path("online").asBoolean()).isFalse();
        assertThat(deltas.get(0).path("device_type").asText()).isEqualTo("TV");
    }

    @Test
    void deltaIdsNameTheInputRecordAndCountWithinIt() {
        t.send("alice", add("tv", "c1", "t", 1));
        t.send("alice", add("tv", "c2", "t", 1));
        List<JsonNode> deltas = t.deltas();
        assertThat(deltas.get(0).path("delta_id").asText()).matches("\\d+-\\d+-0");
        assertThat(deltas.get(1).path("delta_id").asText()).isNotEqualTo(deltas.get(0).path("delta_id").asText());
    }
}
