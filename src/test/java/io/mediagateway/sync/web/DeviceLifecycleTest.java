package io.mediagateway.sync.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.testing.WsTestClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A device's whole life through the public API (contract §12): register, heartbeat (in the foreground and in
 * the background), leave, remove and join again; a socket closed cleanly or dropped; what each device is
 * doing; progress removed from "continue watching" and brought back. Over REST, the WebSocket and Kafka.
 */
class DeviceLifecycleTest {
    private static final String TV = "{\"device_type\":\"TV\",\"platform\":\"Tizen\",\"app_version\":\"3.1\","
            + "\"capabilities\":{\"max_resolution\":\"UHD_4K\",\"remote_controllable\":true,\"can_cast\":true}}";

    @RegisterExtension
    final ApiFixture f = new ApiFixture();

    private JsonNode devices(String token) throws Exception {
        return f.json(f.get("/api/v1/devices", token)).path("devices");
    }

    private JsonNode device(String token, String id) throws Exception {
        return StreamSupport.stream(devices(token).spliterator(), false)
                .filter(d -> d.path("device_id").asText().equals(id)).findFirst().orElse(null);
    }

    /** A progress report of {@code token}'s device; with {@code hlc} non-null, stamped with that time. */
    private JsonNode progress(String token, double position, double duration, String state, String hlc) throws Exception {
        return f.json(f.post("/api/v1/sync/progress", token, "{\"content_id\":\"tmdb:550\",\"position_seconds\":" + position
                + ",\"duration_seconds\":" + duration + ",\"state\":\"" + state + "\""
                + (hlc == null ? "" : ",\"hlc\":\"" + hlc + "\"") + "}"));
    }

    private List<String> deltaTypes() throws Exception {
        return f.deltas().stream().map(d -> d.path("msg_type").asText() + ":" + d.path("device_id").asText()
                + (d.hasNonNull("reason") ? ":" + d.path("reason").asText() : "")).toList();
    }

    @Test
    void registerHeartbeatLeaveRemoveAndJoinAgainOverRest() throws Exception {
        String phone = f.user("alice", "phone");
        HttpResponse<String> put = f.call("PUT", "/api/v1/devices/tv-living-room", phone, TV);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(202);
        assertThat(f.json(put).path("hlc").asText()).isNotBlank();
        assertThat(deltaTypes()).containsExactly("device_online:tv-living-room");
        JsonNode tv = device(phone, "tv-living-room");
        assertThat(tv.path("online").asBoolean()).isTrue();
        assertThat(tv.path("platform").asText()).isEqualTo("Tizen");
        assertThat(tv.path("activity").asText()).isEqualTo("idle");
        assertThat(tv.has("now_playing")).isFalse();

        // a heartbeat with no body, and one that updates the description
        assertThat(f.call("POST", "/api/v1/devices/tv-living-room/heartbeat", phone, null).statusCode()).isEqualTo(202);
        assertThat(f.call("POST", "/api/v1/devices/tv-living-room/heartbeat", phone,
                TV.replace("3.1", "3.2")).statusCode()).isEqualTo(202);
        assertThat(deltaTypes()).containsExactly("device_updated:tv-living-room");

        assertThat(f.call("POST", "/api/v1/devices/tv-living-room/leave", phone, null).statusCode()).isEqualTo(202);
        assertThat(deltaTypes()).containsExactly("device_offline:tv-living-room:leave");
        assertThat(device(phone, "tv-living-room").path("online").asBoolean()).isFalse();

        // removed: gone from every list, a command to it is refused as to an unknown device
        assertThat(f.call("DELETE", "/api/v1/devices/tv-living-room", phone, null).statusCode()).isEqualTo(202);
        assertThat(deltaTypes()).containsExactly("device_removed:tv-living-room");
        assertThat(device(phone, "tv-living-room")).isNull();
        assertThat(f.json(f.get("/api/v1/sync/snapshot", phone)).path("devices").toString()).doesNotContain("tv-living-room");
        f.post("/api/v1/devices/command", phone, "{\"target_device_id\":\"tv-living-room\",\"command\":{\"type\":\"Play\"}}");
        assertThat(f.deltas()).singleElement().satisfies(d -> assertThat(d.path("reason").asText()).isEqualTo("unknown_device"));
        // a second delete names what is wrong; nothing is written
        f.assertError(f.call("DELETE", "/api/v1/devices/tv-living-room", phone, null), 404, "unknown_device");
        f.assertError(f.call("DELETE", "/api/v1/devices/never-seen", phone, null), 404, "unknown_device");
        f.assertError(f.call("DELETE", "/api/v1/devices/bad%20id", phone, null), 400, "invalid_device_id");
        f.assertError(f.call("PUT", "/api/v1/devices/tv-living-room", phone, "{\"device_type\":\"Fridge\"}"), 400,
                "invalid_field");
        assertThat(f.deltas()).isEmpty();

        // it joins again: listed, online
        assertThat(f.call("PUT", "/api/v1/devices/tv-living-room", phone, TV).statusCode()).isEqualTo(202);
        assertThat(deltaTypes()).containsExactly("device_online:tv-living-room");
        assertThat(device(phone, "tv-living-room").path("online").asBoolean()).isTrue();
        assertThat(f.deadLetterReasons()).isEmpty();
    }

    @Test
    void aBackgroundHeartbeatKeepsTheDeviceOnlineForTheBackgroundTimeout() throws Exception {
        String phone = f.user("alice", "phone");
        f.call("PUT", "/api/v1/devices/phone", phone, TV.replace("TV", "Phone").replace("Tizen", "iOS"));
        f.call("PUT", "/api/v1/devices/tablet", phone, TV.replace("TV", "Tablet").replace("Tizen", "Android"));
        f.call("POST", "/api/v1/devices/phone/heartbeat", phone, "{\"app_state\":\"background\"}");
        f.deltas();
        assertThat(device(phone, "phone").path("activity").asText()).isEqualTo("background");
        assertThat(device(phone, "tablet").path("activity").asText()).isEqualTo("idle");

        // past the normal timeout (60 s): the tablet times out, the backgrounded phone does not
        f.advance(Duration.ofSeconds(61));
        assertThat(deltaTypes()).containsExactly("device_offline:tablet:timeout");
        f.advance(Duration.ofSeconds(500));
        assertThat(f.deltas()).isEmpty();
        // past the background timeout (600 s): it does
        f.advance(Duration.ofSeconds(45));
        assertThat(deltaTypes()).containsExactly("device_offline:phone:timeout");
    }

    @Test
    void theDeviceListShowsWhatEachDeviceIsDoing() throws Exception {
        String tv = f.user("alice", "tv");
        f.call("PUT", "/api/v1/devices/tv", tv, TV);
        progress(tv, 1200, 8340, "playing", null);
        JsonNode d = device(tv, "tv");
        assertThat(d.path("activity").asText()).isEqualTo("watching");
        assertThat(d.path("now_playing").path("content_id").asText()).isEqualTo("tmdb:550");
        assertThat(d.path("now_playing").path("position_seconds").asDouble()).isEqualTo(1200);

        progress(tv, 1250, 8340, "paused", null);
        assertThat(device(tv, "tv").path("activity").asText()).isEqualTo("paused");
        // another device takes the content over: the TV is idle
        progress(f.user("alice", "phone"), 1300, 8340, "playing", null);
        assertThat(device(tv, "tv").path("activity").asText()).isEqualTo("idle");
        assertThat(device(tv, "tv").has("now_playing")).isFalse();
    }

    @Test
    void progressRemovedFromContinueWatchingComesBackOnlyWithANewerReport() throws Exception {
        String phone = f.user("alice", "phone");
        JsonNode first = progress(phone, 100, 1000, "paused", null);
        f.deltas();
        HttpResponse<String> delete = f.call("DELETE", "/api/v1/sync/progress/tmdb:550", phone, null);
        assertThat(delete.statusCode()).as(delete.body()).isEqualTo(202);
        assertThat(f.deltas()).singleElement().satisfies(d -> {
            assertThat(d.path("msg_type").asText()).isEqualTo("progress_removed");
            assertThat(d.path("content_id").asText()).isEqualTo("tmdb:550");
        });
        assertThat(f.json(f.get("/api/v1/sync/progress", phone)).path("items")).isEmpty();
        f.assertError(f.get("/api/v1/sync/progress/tmdb:550", phone), 404, "not_found");
        f.assertError(f.call("DELETE", "/api/v1/sync/progress/tmdb:550", phone, null), 404, "not_found");
        f.assertError(f.call("DELETE", "/api/v1/sync/progress/tmdb:999", phone, null), 404, "not_found");

        // an older report (queued offline before the delete) does not bring it back; a newer one does
        long older = Long.parseLong(first.path("hlc").asText()) + 1;
        progress(phone, 150, 1000, "paused", Long.toString(older));
        assertThat(f.deltas()).isEmpty();
        assertThat(f.json(f.get("/api/v1/sync/progress", phone)).path("items")).isEmpty();
        progress(phone, 200, 1000, "paused", null);
        assertThat(f.deltas()).singleElement().satisfies(d -> assertThat(d.path("msg_type").asText())
                .isEqualTo("watch_progress_update"));
        assertThat(f.json(f.get("/api/v1/sync/progress/tmdb:550", phone)).path("position_seconds").asDouble()).isEqualTo(200);
        // with an Idempotency-Key a retried delete is answered like the first, though nothing is left to delete
        f.call("DELETE", "/api/v1/sync/progress/tmdb:550", phone, null);
        f.deltas();
        for (int attempt = 0; attempt < 2; attempt++) {
            assertThat(f.call("DELETE", "/api/v1/sync/progress/tmdb:550", phone, null, ApiRoutes.IDEMPOTENCY_KEY, "del-1")
                    .statusCode()).isEqualTo(202);
        }
        assertThat(f.deltas()).isEmpty();
    }

    @Test
    void gatewaysRemoveProgressAndDevicesOverKafka() throws Exception {
        String tv = f.user("alice", "tv");
        f.call("PUT", "/api/v1/devices/tv", tv, TV);
        progress(tv, 100, 1000, "paused", null);
        f.deltas();
        f.produce("alice", "{\"msg_type\":\"progress_remove\",\"device_id\":\"gateway\",\"content_id\":\"tmdb:550\"}"
                .getBytes(StandardCharsets.UTF_8));
        f.produce("alice", "{\"msg_type\":\"device_remove\",\"device_id\":\"gateway\",\"target_device_id\":\"tv\"}"
                .getBytes(StandardCharsets.UTF_8));
        // removing what is not there changes nothing visible; a remove without its target is a dead letter
        f.produce("alice", "{\"msg_type\":\"device_remove\",\"device_id\":\"gateway\",\"target_device_id\":\"nope\"}"
                .getBytes(StandardCharsets.UTF_8));
        f.produce("alice", "{\"msg_type\":\"progress_remove\",\"device_id\":\"gateway\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(deltaTypes()).containsExactly("progress_removed:gateway", "device_removed:tv");
        assertThat(f.deadLetterReasons()).containsExactly("missing_field");
        assertThat(devices(tv)).isEmpty();
        assertThat(f.json(f.get("/api/v1/sync/progress", tv)).path("items")).isEmpty();
    }

    @Test
    void aCleanCloseIsALeaveUnlessAnotherSocketOfTheDeviceIsOpenAndADroppedOneWaitsForTheTimeout() throws Exception {
        String phoneToken = f.user("alice", "phone");
        f.call("PUT", "/api/v1/devices/phone", phoneToken, TV.replace("TV", "Phone").replace("Tizen", "iOS"));
        f.deltas();
        WsTestClient first = WsTestClient.connect(f.wsUrl(phoneToken));
        WsTestClient second = WsTestClient.connect(f.wsUrl(phoneToken));
        assertThat(first.next(Duration.ofSeconds(5))).contains("snapshot");
        assertThat(second.next(Duration.ofSeconds(5))).contains("snapshot");
        first.close();
        Thread.sleep(500);
        assertThat(f.deltas()).isEmpty(); // the second socket of the phone is still open
        second.close();
        assertThat(awaitDeltas()).containsExactly("device_offline:phone:leave");

        // a dropped connection (no close frame) leaves the device to its presence timeout
        f.call("POST", "/api/v1/devices/phone/heartbeat", phoneToken, null);
        f.deltas();
        WsTestClient dropped = WsTestClient.connect(f.wsUrl(phoneToken));
        assertThat(dropped.next(Duration.ofSeconds(5))).contains("snapshot");
        dropped.abort();
        Thread.sleep(500);
        assertThat(f.deltas()).isEmpty();
        assertThat(device(phoneToken, "phone").path("online").asBoolean()).isTrue();

        // the WebSocket's own device_leave
        try (WsTestClient ws = WsTestClient.connect(f.wsUrl(phoneToken))) {
            ws.send("{\"type\":\"device_leave\",\"id\":1}");
            assertThat(ws.nextContaining("\"id\":1", Duration.ofSeconds(5))).contains("\"ack\"");
        }
        assertThat(awaitDeltas()).contains("device_offline:phone:leave");
    }

    private List<String> awaitDeltas() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            List<String> types = deltaTypes();
            if (!types.isEmpty()) {
                return types;
            }
            Thread.sleep(20);
        }
        return List.of();
    }
}
