package io.mediagateway.sync.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.codec.StateCodec;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.topology.SyncTopology;
import io.mediagateway.sync.testing.SyncTopologyDriver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A user's state as the REST API shows it, read by prefix scans from the stores the real topology filled. */
class UserStateReaderTest {
    private static final Instant START = Instant.parse("2026-11-21T10:00:00Z");
    private TopologyTestDriver driver;
    private TestInputTopic<String, String> events;
    private final UserStateReader reader = new UserStateReader(new StateCodec(OrElement.Policy.DEFAULT), 60_000);

    @BeforeEach
    void start() {
        driver = SyncTopologyDriver.start(SyncTopology.Settings.defaults(), "reader-" + System.nanoTime(), START);
        events = driver.createInputTopic(Topics.DEVICE_EVENTS.name(), new StringSerializer(), new StringSerializer(),
                START, Duration.ZERO);
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private UserStateReader.Stores stores() {
        return SyncTopologyDriver.stores(driver);
    }

    private static String hlc(int seconds) {
        return Long.toString(Hlc.pack(START.toEpochMilli() + seconds * 1000L, 0));
    }

    private void send(String user, String json) {
        events.pipeInput(user, json);
    }

    @Test
    void everyViewShowsOnlyItsUser() {
        send("alice", "{\"msg_type\":\"watchlist_update\",\"device_id\":\"tv\",\"operation\":\"Add\",\"content_id\":\"tmdb:550\","
                + "\"unique_tag\":\"t1\",\"hlc\":\"" + hlc(1) + "\",\"content_metadata\":{\"title\":\"Fight Club\"}}");
        send("alice", "{\"msg_type\":\"watchlist_update\",\"device_id\":\"tv\",\"operation\":\"Add\",\"content_id\":\"gone\","
                + "\"unique_tag\":\"t2\",\"hlc\":\"" + hlc(1) + "\"}");
        send("alice", "{\"msg_type\":\"watchlist_update\",\"device_id\":\"tv\",\"operation\":\"Remove\",\"content_id\":\"gone\","
                + "\"hlc\":\"" + hlc(2) + "\"}");
        send("alice", "{\"msg_type\":\"watch_progress_update\",\"device_id\":\"tv\",\"content_id\":\"a\",\"position_seconds\":30,"
                + "\"duration_seconds\":100,\"state\":\"playing\",\"hlc\":\"" + hlc(3) + "\"}");
        send("alice", "{\"msg_type\":\"watch_progress_update\",\"device_id\":\"tv\",\"content_id\":\"b\",\"position_seconds\":95,"
                + "\"duration_seconds\":100,\"hlc\":\"" + hlc(3) + "\"}");
        send("alice", "{\"msg_type\":\"preference_update\",\"device_id\":\"tv\",\"key\":\"subtitles\",\"value\":{\"lang\":\"fr\"},"
                + "\"hlc\":\"" + hlc(4) + "\"}");
        send("alice", "{\"msg_type\":\"device_join\",\"device_id\":\"tv\",\"device_type\":\"TV\",\"platform\":\"webOS\","
                + "\"app_version\":\"3.1\",\"capabilities\":{\"remote_controllable\":true},\"hlc\":\"" + hlc(5) + "\"}");
        send("alice-2", "{\"msg_type\":\"watchlist_update\",\"device_id\":\"tv\",\"operation\":\"Add\",\"content_id\":\"other\","
                + "\"hlc\":\"" + hlc(1) + "\"}");
        send("alic", "{\"msg_type\":\"preference_update\",\"device_id\":\"tv\",\"key\":\"k\",\"value\":1,\"hlc\":\"" + hlc(4) + "\"}");

        JsonNode watchlist = Json.parse(Json.bytes(reader.watchlist(stores(), "alice")));   // items are rendered JSON
        assertThat(watchlist.path("user_id").asText()).isEqualTo("alice");
        assertThat(watchlist.path("items")).hasSize(1);
        JsonNode item = watchlist.path("items").get(0);
        assertThat(item.path("content_id").asText()).isEqualTo("tmdb:550");
        assertThat(item.path("unique_tags").toString()).isEqualTo("[\"t1\"]");
        assertThat(item.path("device_id").asText()).isEqualTo("tv");
        assertThat(item.path("hlc").asText()).isEqualTo(hlc(1));
        assertThat(item.path("content_metadata").path("title").asText()).isEqualTo("Fight Club");

        JsonNode progress = reader.progress(stores(), "alice", UserStateReader.ProgressFilter.ALL);
        assertThat(progress.path("items")).extracting(n -> n.path("content_id").asText()).containsExactly("a", "b");
        JsonNode a = progress.path("items").get(0);
        assertThat(a.path("completion_percent").asDouble()).isEqualTo(0.3);
        assertThat(a.path("resume_position_seconds").asDouble()).isEqualTo(30.0);
        assertThat(a.path("state").asText()).isEqualTo("Playing");
        assertThat(reader.progress(stores(), "alice", UserStateReader.ProgressFilter.COMPLETED).path("items"))
                .extracting(n -> n.path("content_id").asText()).containsExactly("b");
        assertThat(reader.progress(stores(), "alice", UserStateReader.ProgressFilter.IN_PROGRESS).path("items"))
                .extracting(n -> n.path("content_id").asText()).containsExactly("a");
        assertThat(reader.progressItem(stores(), "alice", "b")).get()
                .satisfies(b -> assertThat(b.path("completed").asBoolean()).isTrue());
        assertThat(reader.progressItem(stores(), "alice", "nope")).isEmpty();

        assertThat(reader.preferences(stores(), "alice").path("items").toString()).isEqualTo("{\"subtitles\":{\"lang\":\"fr\"}}");

        JsonNode devices = reader.devices(stores(), "alice", START.toEpochMilli() + 1000).path("devices");
        assertThat(devices).hasSize(1);
        assertThat(devices.get(0).path("device_id").asText()).isEqualTo("tv");
        assertThat(devices.get(0).path("platform").asText()).isEqualTo("webOS");
        assertThat(devices.get(0).path("online").asBoolean()).isTrue();
        assertThat(devices.get(0).path("last_seen").asLong()).isEqualTo(START.toEpochMilli());
        assertThat(reader.devices(stores(), "alice", START.toEpochMilli() + 61_000).path("devices").get(0)
                .path("online").asBoolean()).as("past the timeout, before the sweep").isFalse();

        assertThat(reader.watchlist(stores(), "nobody").path("items")).isEmpty();
        assertThat(Json.string(reader.preferences(stores(), "alic"))).isEqualTo("{\"items\":{\"k\":1},\"user_id\":\"alic\"}");
        assertThat(new String(Json.bytes(reader.watchlist(stores(), "alice-2")), StandardCharsets.UTF_8)).contains("other");
    }

    @Test
    void keptWatchlistViewsAnswerAsRenderingAfreshDoesAndFollowEveryChange() {
        UserStateReader fresh = new UserStateReader(new StateCodec(OrElement.Policy.DEFAULT),
                io.mediagateway.sync.model.PresenceTimeouts.of(60_000), 0);
        for (int i = 0; i < 5; i++) {
            send("alice", "{\"msg_type\":\"watchlist_update\",\"device_id\":\"tv\",\"operation\":\"Add\",\"content_id\":\"c" + i
                    + "\",\"unique_tag\":\"t" + i + "\",\"hlc\":\"" + hlc(i + 1) + "\",\"content_metadata\":{\"title\":\"Film \\\"" + i + "\\\"\"}}");
        }
        String first = Json.string(reader.watchlist(stores(), "alice"));
        assertThat(first).isEqualTo(Json.string(fresh.watchlist(stores(), "alice")));
        assertThat(Json.string(reader.watchlist(stores(), "alice"))).as("read again, from kept views").isEqualTo(first);
        assertThat(Json.string(reader.snapshot(stores(), "alice", START.toEpochMilli())))
                .isEqualTo(Json.string(fresh.snapshot(stores(), "alice", START.toEpochMilli())));

        // when one item is removed and another re-added from a second device
        send("alice", "{\"msg_type\":\"watchlist_update\",\"device_id\":\"tv\",\"operation\":\"Remove\",\"content_id\":\"c1\","
                + "\"hlc\":\"" + hlc(10) + "\"}");
        send("alice", "{\"msg_type\":\"watchlist_update\",\"device_id\":\"phone\",\"operation\":\"Add\",\"content_id\":\"c2\","
                + "\"unique_tag\":\"p2\",\"hlc\":\"" + hlc(11) + "\",\"content_metadata\":{\"title\":\"New title\"}}");

        // then the kept views show the change, exactly as a fresh rendering does
        String after = Json.string(reader.watchlist(stores(), "alice"));
        assertThat(after).isEqualTo(Json.string(fresh.watchlist(stores(), "alice")));
        JsonNode items = Json.parse(after.getBytes(StandardCharsets.UTF_8)).path("items");
        assertThat(items).extracting(n -> n.path("content_id").asText()).containsExactly("c0", "c2", "c3", "c4");
        assertThat(items.get(1).path("unique_tags").toString()).isEqualTo("[\"p2\",\"t2\"]");
        assertThat(items.get(1).path("content_metadata").path("title").asText()).isEqualTo("New title");
        assertThat(items.get(0).path("content_metadata").path("title").asText()).isEqualTo("Film \"0\"");
    }
}
