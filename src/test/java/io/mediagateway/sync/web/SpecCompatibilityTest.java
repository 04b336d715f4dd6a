package io.mediagateway.sync.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.testing.WsTestClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients written against the PubNub specification and the original service's README work unchanged
 * (contract §11): their messages, sent verbatim over Kafka, REST and the WebSocket, are accepted and
 * mean what they meant there.
 */
class SpecCompatibilityTest {
    @RegisterExtension
    final ApiFixture f = new ApiFixture();

    private static final String SPEC_DEVICE_JOIN = """
            {"msg_type":"device_join","device_id":"tv-samsung-living-room","device_type":"TV","platform":"Tizen",
             "capabilities":{"max_resolution":"UHD_4K","audio_codecs":["EAC3","AAC"],"hdr_support":["HDR10"],
               "remote_controllable":true,"can_cast":true,"screen_size":65},
             "app_version":"5.2.0","device_name":"Living Room TV","battery_level":0.85,"network_quality":5,
             "last_active":1733500800000000,"timestamp":1733500800000000}""";

    @Test
    void aDeviceJoinShapedLikeTheSpecificationsExampleRegistersTheDevice() throws Exception {
        f.produce("alice", SPEC_DEVICE_JOIN.getBytes(StandardCharsets.UTF_8));
        assertThat(f.deadLetterReasons()).isEmpty();

        JsonNode device = f.json(f.get("/api/v1/devices", f.user("alice", "phone"))).path("devices").get(0);
        assertThat(device.path("device_id").asText()).isEqualTo("tv-samsung-living-room");
        assertThat(device.path("network_quality").isInt()).as("the 0–5 scale, as a number").isTrue();
        assertThat(device.path("network_quality").asInt()).isEqualTo(5);
        assertThat(device.path("battery_level").asDouble()).isEqualTo(0.85);

        // battery on a 0–100 scale, or a quality outside 0–5, is not the specification's: refused with the rule
        f.produce("alice", SPEC_DEVICE_JOIN.replace("0.85", "85").getBytes(StandardCharsets.UTF_8));
        f.produce("alice", SPEC_DEVICE_JOIN.replace("\"network_quality\":5", "\"network_quality\":9")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(f.deadLetterReasons()).containsExactly("invalid_field", "invalid_field");
    }

    @Test
    void theOriginalReadmesWebSocketMessagesAreAcceptedVerbatim() throws Exception {
        f.produce("alice", SPEC_DEVICE_JOIN.getBytes(StandardCharsets.UTF_8));
        f.deltas();
        try (WsTestClient ws = WsTestClient.connect(f.wsUrl(f.user("alice", "phone")))) {
            assertThat(ws.next(Duration.ofSeconds(5))).contains("\"type\":\"snapshot\"");

            // a timestamp as a string of microsecond digits
            ws.send("{\"type\":\"progress_update\",\"id\":1,\"content_id\":\"tmdb:550\",\"position_seconds\":1234,"
                    + "\"duration_seconds\":8340,\"state\":\"playing\",\"timestamp\":\"1733500800000000\"}");
            JsonNode ack = f.json(ws.nextContaining("\"id\":1", Duration.ofSeconds(5)));
            assertThat(ack.path("type").asText()).as(ack.toString()).isEqualTo("ack");
            assertThat(Hlc.physicalMs(Hlc.parseDecimal(ack.path("hlc").asText()))).isEqualTo(1_733_500_800_000L);

            // a progress_update without duration_seconds keeps the duration known for that content
            ws.send("{\"type\":\"progress_update\",\"id\":10,\"content_id\":\"tmdb:550\",\"position_seconds\":1300,"
                    + "\"state\":\"paused\"}");
            JsonNode kept = f.json(ws.nextContaining("\"id\":10", Duration.ofSeconds(5)));
            assertThat(kept.path("type").asText()).as(kept.toString()).isEqualTo("ack");
            JsonNode item = f.json(f.get("/api/v1/sync/progress/tmdb:550?after=" + kept.path("token").asText(),
                    f.user("alice", "phone")));
            assertThat(item.path("position_seconds").asDouble()).isEqualTo(1300);
            assertThat(item.path("duration_seconds").asDouble()).isEqualTo(8340);
            // and with none known, the field is named as missing, and nothing is written
            ws.send("{\"type\":\"progress_update\",\"id\":11,\"content_id\":\"tmdb:13\",\"position_seconds\":10}");
            JsonNode none = f.json(ws.nextContaining("\"id\":11", Duration.ofSeconds(5)));
            assertThat(none.path("error").asText()).isEqualTo("missing_field");
            assertThat(none.path("message").asText()).contains("duration_seconds", "tmdb:13");
            // a content id that breaks its rule is named as such, not looked up
            ws.send("{\"type\":\"progress_update\",\"id\":12,\"content_id\":\"\",\"position_seconds\":10}");
            assertThat(f.json(ws.nextContaining("\"id\":12", Duration.ofSeconds(5))).path("error").asText())
                    .isEqualTo("invalid_content_id");

            // a command as a bare word, any case; StopCast to a device that can cast
            ws.send("{\"type\":\"device_command\",\"id\":2,\"target_device_id\":\"tv-samsung-living-room\",\"command\":\"play\"}");
            ws.send("{\"type\":\"device_command\",\"id\":3,\"target_device_id\":\"tv-samsung-living-room\",\"command\":\"MUTE\"}");
            ws.send("{\"type\":\"remote_command\",\"id\":4,\"target_device_id\":\"tv-samsung-living-room\","
                    + "\"command\":{\"type\":\"StopCast\"}}");
            for (int id = 2; id <= 4; id++) {
                assertThat(f.json(ws.nextContaining("\"id\":" + id, Duration.ofSeconds(5))).path("type").asText()).isEqualTo("ack");
            }
            ws.send("{\"type\":\"device_command\",\"id\":5,\"target_device_id\":\"tv-samsung-living-room\",\"command\":\"dance\"}");
            JsonNode refused = f.json(ws.nextContaining("\"id\":5", Duration.ofSeconds(5)));
            assertThat(refused.path("error").asText()).isEqualTo("invalid_field");
            assertThat(refused.path("message").asText()).contains("play, pause, stop, mute or unmute");
        }
        assertThat(f.deadLetterReasons()).isEmpty();
        assertThat(f.deltas().stream().filter(d -> d.path("msg_type").asText().equals("remote_command"))
                .map(d -> d.path("command").path("type").asText()).toList())
                .containsExactly("Play", "VolumeMute", "StopCast");
    }

    @Test
    void theSpecificationsDeviceJoinRegistersOverRestAndItsReconciliationRequestIsAnswered() throws Exception {
        String phone = f.user("alice", "phone");
        // the specification's device_join as the body of PUT /api/v1/devices/{id} (its msg_type and ids are the path's)
        assertThat(f.call("PUT", "/api/v1/devices/tv-samsung-living-room", phone, SPEC_DEVICE_JOIN).statusCode())
                .isEqualTo(202);
        f.post("/api/v1/sync/preferences", phone, "{\"key\":\"autoplay\",\"value\":true}");
        assertThat(f.deadLetterReasons()).isEmpty();
        try (WsTestClient ws = WsTestClient.connect(f.wsUrl(phone))) {
            ws.next(Duration.ofSeconds(5));
            ws.send("""
                    {"type":"state_reconciliation_request","requested_states":["Watchlist","WatchProgress","Preferences","Devices"]}""");
            JsonNode answer = f.json(ws.nextContaining("state_reconciliation_response", Duration.ofSeconds(5)));
            assertThat(answer.path("devices").get(0).path("device_id").asText()).isEqualTo("tv-samsung-living-room");
            assertThat(answer.path("devices").get(0).path("device_name").asText()).isEqualTo("Living Room TV");
            assertThat(answer.path("preferences").path("autoplay").asBoolean()).isTrue();
            assertThat(answer.path("watchlist").isArray()).isTrue();
            assertThat(answer.path("progress").isArray()).isTrue();
            assertThat(answer.path("cursor").asText()).isNotBlank();
        }
    }
}
