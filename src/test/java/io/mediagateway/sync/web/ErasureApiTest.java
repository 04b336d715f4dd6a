package io.mediagateway.sync.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.testing.WsTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code DELETE /api/v1/users/{user_id}} (contract §16) through the real routes and topology: who may erase whom,
 * 202 at once, then nothing of the user's in any read; a write stamped before the erasure is erased with the rest,
 * one after it is a new beginning.
 */
class ErasureApiTest {
    @RegisterExtension
    final ApiFixture f = new ApiFixture();

    private HttpResponse<String> erase(String user, String token) throws Exception {
        return Http.request("DELETE", f.base + "/api/v1/users/" + user, token, null);
    }

    private void fill(String user) throws Exception {
        String token = f.user(user, "tv-1");
        f.post("/api/v1/sync/watchlist", token, "{\"operation\":\"add\",\"content_id\":\"tmdb:550\"}");
        f.post("/api/v1/sync/progress", token, "{\"content_id\":\"tmdb:550\",\"position_seconds\":60,\"duration_seconds\":7200}");
        f.post("/api/v1/sync/preferences", token, "{\"key\":\"subtitles\",\"value\":\"fr\"}");
        Http.request("PUT", f.base + "/api/v1/devices/tv-1", token, "{\"device_type\":\"TV\",\"platform\":\"Tizen\","
                + "\"app_version\":\"1\",\"capabilities\":{}}");
    }

    @Test
    void aUserErasesItselfAndNothingOfItsStateIsReadAfterwards() throws Exception {
        fill("alice");
        fill("bob");
        String alice = f.user("alice", "phone-1");
        assertThat(f.json(f.get("/api/v1/sync/snapshot", alice)).toString()).contains("tmdb:550", "subtitles", "tv-1");

        HttpResponse<String> r = erase("alice", alice);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String snapshot = f.json(f.get("/api/v1/sync/snapshot", alice)).toString();
        assertThat(snapshot).doesNotContain("tmdb:550", "subtitles", "tv-1");
        assertThat(f.json(f.get("/api/v1/sync/watchlist", alice)).get("items")).isEmpty();
        assertThat(f.json(f.get("/api/v1/devices", alice)).get("devices")).isEmpty();
        assertThat(f.json(f.get("/api/v1/sync/snapshot", f.user("bob", "phone-1"))).toString()).as("bob keeps his")
                .contains("tmdb:550", "subtitles");
    }

    @Test
    void theUsersDevicesAreToldOverTheWebSocketAndAReconnectingOneGetsAnEmptySnapshot() throws Exception {
        fill("alice");
        String alice = f.user("alice", "phone-1");
        try (WsTestClient phone = WsTestClient.connect(f.wsUrl(alice))) {
            assertThat(phone.nextContaining("\"snapshot\"", Duration.ofSeconds(5))).contains("tmdb:550");
            f.fanOut();
            erase("alice", alice);
            f.fanOut();
            String told = phone.nextContaining("\"user_erased\"", Duration.ofSeconds(5));
            assertThat(f.json(told).get("user_id").asText()).isEqualTo("alice");
        }
        try (WsTestClient again = WsTestClient.connect(f.wsUrl(alice))) {
            assertThat(again.nextContaining("\"snapshot\"", Duration.ofSeconds(5))).doesNotContain("tmdb:550", "subtitles");
        }
    }

    @Test
    void aUserMayNotEraseAnotherAServiceMayEraseAnyoneAndAnUnknownUserIsA202() throws Exception {
        fill("bob");
        f.assertError(erase("bob", f.user("alice", "phone-1")), 403, "forbidden");
        assertThat(f.json(f.get("/api/v1/sync/watchlist", f.user("bob", "tv-1"))).get("items")).hasSize(1);

        String service = f.tokens.forService("privacy", Duration.ofHours(1), Instant.now());
        assertThat(erase("bob", service).statusCode()).isEqualTo(202);
        assertThat(f.json(f.get("/api/v1/sync/watchlist", f.user("bob", "tv-1"))).get("items")).isEmpty();
        assertThat(erase("nobody-at-all", service).statusCode()).isEqualTo(202);
        assertThat(erase("bob", service).statusCode()).as("again").isEqualTo(202);
        f.assertError(erase("not%20a%20user", service), 400, "invalid_user_id");
        f.assertError(erase("bob", null), 401, "unauthorized");
    }

    @Test
    void aWriteStampedBeforeTheErasureGoesWithItAndALaterOneStays() throws Exception {
        String alice = f.user("alice", "phone-1");
        long before = io.mediagateway.sync.crdt.Hlc.pack(System.currentTimeMillis() - 5_000, 0);
        assertThat(erase("alice", alice).statusCode()).isEqualTo(202);

        // A write queued offline before the erasure, sent after it with its own time: erased with the rest.
        assertThat(f.post("/api/v1/sync/watchlist", alice, "{\"operation\":\"add\",\"content_id\":\"tmdb:1\",\"hlc\":\""
                + before + "\"}").statusCode()).isEqualTo(202);
        // A write made after the erasure: the user's new beginning.
        assertThat(f.post("/api/v1/sync/watchlist", alice, "{\"operation\":\"add\",\"content_id\":\"tmdb:2\"}").statusCode())
                .isEqualTo(202);

        assertThat(f.json(f.get("/api/v1/sync/watchlist", alice)).get("items").toString()).contains("tmdb:2")
                .doesNotContain("tmdb:1");
    }
}
