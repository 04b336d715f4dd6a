package io.mediagateway.sync.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.codec.BroadcastViews;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.model.BroadcastChannel;
import io.mediagateway.sync.model.BroadcastHistory;
import io.mediagateway.sync.testing.WsTestClient;
import io.mediagateway.sync.topics.Topics;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Broadcasts over REST and the WebSocket (contract §14): who may post where, which sessions follow which
 * channel (and get each broadcast once), and each channel's history.
 */
class BroadcastApiTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    final ApiFixture f = new ApiFixture();
    private final String admin = f.tokens.forAdmin("ops", Duration.ofHours(1), Instant.now());
    private final String service = f.tokens.forService("catalog", Duration.ofHours(1), Instant.now());

    private static String broadcast(String channel, String msgType) {
        return "{\"channel\":\"" + channel + "\",\"msg_type\":\"" + msgType + "\",\"text\":\"Maintenance at 02:00 UTC\"}";
    }

    private static BroadcastChannel channel(String name) {
        return BroadcastChannel.parse(name).orElseThrow();
    }

    @Test
    void anAdminPostsAnywhereAServiceToRegionsAndPlatformsAUserNowhere() throws Exception {
        HttpResponse<String> r = f.post("/api/v1/broadcasts", admin, broadcast("global.announcements", "maintenance"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(f.json(r).get("channel").asText()).isEqualTo("global.announcements");
        assertThat(f.post("/api/v1/broadcasts", service, broadcast("region.eu-west.updates", "outage")).statusCode())
                .isEqualTo(202);
        assertThat(f.post("/api/v1/broadcasts", service, broadcast("platform.tizen.catalog", "new_titles")).statusCode())
                .isEqualTo(202);
        assertThat(f.produced).extracting(p -> p.topic() + " " + p.key()).containsExactly(
                Topics.BROADCASTS.name() + " global.announcements", Topics.BROADCASTS.name() + " region.eu-west.updates",
                Topics.BROADCASTS.name() + " platform.tizen.catalog");
        assertThat(Json.parse(new String(f.produced.get(0).value(), StandardCharsets.UTF_8)).get("text").asText())
                .isEqualTo("Maintenance at 02:00 UTC");

        HttpResponse<String> refused = f.post("/api/v1/broadcasts", service, broadcast("global.announcements", "m"));
        f.assertError(refused, 403, "forbidden");
        assertThat(f.json(refused).get("message").asText()).contains("admin");
        f.assertError(f.post("/api/v1/broadcasts", f.user("alice", "tv"), broadcast("region.eu.updates", "m")), 403, "forbidden");
        HttpResponse<String> badName = f.post("/api/v1/broadcasts", admin, broadcast("region.eu west.updates", "m"));
        f.assertError(badName, 400, "invalid_field");
        assertThat(f.json(badName).get("message").asText()).contains("channel");
        f.assertError(f.post("/api/v1/broadcasts", admin, broadcast("global.trending", "trending_update")), 400, "invalid_field");
        f.assertError(f.post("/api/v1/broadcasts", admin, broadcast("user.alice.sync", "m")), 400, "invalid_field");
        f.assertError(f.post("/api/v1/broadcasts", admin, "{\"channel\":\"global.announcements\"}"), 400, "missing_field");
        f.assertError(f.post("/api/v1/broadcasts", admin, "{\"channel\":\"global.announcements\",\"msg_type\":\"m\","
                + "\"text\":\"" + "x".repeat(31 * 1024) + "\"}"), 413, "too_large");
        assertThat(f.produced).as("nothing refused was produced").hasSize(3);
    }

    @Test
    void eachSessionGetsWhatItFollowsOnce() throws Exception {
        String euToken = f.tokens.forUser("alice", "tv", "eu-west", Duration.ofHours(1), Instant.now());
        try (WsTestClient eu = WsTestClient.connect(f.wsUrl(euToken));
             WsTestClient plain = WsTestClient.connect(f.wsUrl(f.user("bob", "phone")));
             WsTestClient joined = WsTestClient.connect(f.wsUrl(f.user("carol", "web")))) {
            for (WsTestClient ws : List.of(eu, plain, joined)) {
                ws.nextContaining("\"snapshot\"", WAIT);
            }
            // carol's device joins in us-east, and follows a platform channel — twice, and by region as well.
            joined.send("{\"type\":\"device_join\",\"device_type\":\"Web\",\"platform\":\"Web\",\"app_version\":\"1\","
                    + "\"capabilities\":{},\"region\":\"us-east\"}");
            joined.nextContaining("\"ack\"", WAIT);
            joined.send("{\"type\":\"subscribe\",\"id\":1,\"channels\":[\"platform.tizen.catalog\",\"region.us-east.updates\"]}");
            JsonNode subscribed = f.json(joined.nextContaining("\"subscribed\"", WAIT));
            assertThat(subscribed.get("channels")).extracting(JsonNode::asText)
                    .containsExactly("platform.tizen.catalog", "region.us-east.updates");
            joined.send("{\"type\":\"subscribe\",\"channels\":[\"platform.tizen.catalog\"]}");
            joined.nextContaining("\"subscribed\"", WAIT);

            assertThat(f.sessions.broadcast(channel("global.announcements"), message("global.announcements", 1))).isEqualTo(3);
            assertThat(f.sessions.broadcast(channel("region.eu-west.updates"), message("region.eu-west.updates", 2))).isEqualTo(1);
            assertThat(f.sessions.broadcast(channel("region.us-east.updates"), message("region.us-east.updates", 3))).isEqualTo(1);
            assertThat(f.sessions.broadcast(channel("platform.tizen.catalog"), message("platform.tizen.catalog", 4))).isEqualTo(1);

            assertThat(received(eu, 2)).containsExactly("0-1", "0-2");
            assertThat(received(plain, 1)).containsExactly("0-1");
            assertThat(received(joined, 3)).containsExactly("0-1", "0-3", "0-4");

            joined.send("{\"type\":\"unsubscribe\",\"channels\":[\"platform.tizen.catalog\"]}");
            assertThat(f.json(joined.nextContaining("\"subscribed\"", WAIT)).get("channels")).extracting(JsonNode::asText)
                    .containsExactly("region.us-east.updates");
            assertThat(f.sessions.broadcast(channel("platform.tizen.catalog"), message("platform.tizen.catalog", 5))).isZero();

            joined.send("{\"type\":\"subscribe\",\"id\":\"x\",\"channels\":[\"global.announcements\"]}");
            JsonNode error = f.json(joined.nextContaining("\"error\"", WAIT));
            assertThat(error.get("error").asText()).isEqualTo("invalid_field");
            assertThat(error.get("id").asText()).isEqualTo("x");
            joined.send("{\"type\":\"subscribe\",\"channels\":[\"platform.bad name.catalog\"]}");
            assertThat(f.json(joined.nextContaining("\"error\"", WAIT)).get("message").asText()).contains("bad name");
        }
    }

    private static String message(String channel, int n) {
        return BroadcastViews.push(channel, new BroadcastHistory.Entry("0-" + n, System.currentTimeMillis(),
                "{\"channel\":\"" + channel + "\",\"msg_type\":\"m\",\"n\":" + n + "}"));
    }

    /** The cursors of the next {@code n} broadcasts the session receives, and that no other comes. */
    private List<String> received(WsTestClient ws, int n) throws Exception {
        List<String> cursors = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            JsonNode m = f.json(ws.nextContaining("\"broadcast\"", WAIT));
            assertThat(m.get("message").get("channel").asText()).isEqualTo(m.get("channel").asText());
            cursors.add(m.get("cursor").asText());
        }
        Thread.sleep(100);
        assertThat(ws.received()).as("nothing more").noneMatch(s -> s.contains("\"broadcast\""));
        return cursors;
    }

    @Test
    void aChannelsHistoryIsReadSinceACursor() throws Exception {
        BroadcastChannel region = channel("region.eu-west.updates");
        BroadcastHistory h = BroadcastHistory.empty(region);
        long now = System.currentTimeMillis();
        for (int i = 0; i < 4; i++) {
            h = h.append(new BroadcastHistory.Entry("1-" + i, now - 1000 + i, "{\"channel\":\"region.eu-west.updates\","
                    + "\"msg_type\":\"outage\",\"n\":" + i + "}"), now);
        }
        f.broadcastHistories.put(region.name(), h);
        String alice = f.user("alice", "tv");

        JsonNode all = f.json(f.get("/api/v1/broadcasts/region.eu-west.updates", alice));
        assertThat(all.get("messages")).extracting(m -> m.get("message").get("n").asInt()).containsExactly(0, 1, 2, 3);
        assertThat(all.get("cursor").asText()).isEqualTo("1-3");
        JsonNode since = f.json(f.get("/api/v1/broadcasts/region.eu-west.updates?since=1-1", alice));
        assertThat(since.get("messages")).extracting(m -> m.get("cursor").asText()).containsExactly("1-2", "1-3");
        assertThat(since.has("reset")).isFalse();
        JsonNode gone = f.json(f.get("/api/v1/broadcasts/region.eu-west.updates?since=0-7", alice));
        assertThat(gone.get("reset").asBoolean()).isTrue();
        assertThat(gone.get("messages")).hasSize(4);
        JsonNode empty = f.json(f.get("/api/v1/broadcasts/global.announcements", alice));
        assertThat(empty.get("messages")).isEmpty();

        f.assertError(f.get("/api/v1/broadcasts/user.alice.sync", alice), 404, "not_found");
        f.assertError(f.get("/api/v1/broadcasts/global.announcements", null), 401, "unauthorized");
    }
}
