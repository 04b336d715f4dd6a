package io.mediagateway.sync.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.codec.DeltaCodec;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.model.Delta;
import io.mediagateway.sync.model.Notification;
import io.mediagateway.sync.testing.WsTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Notifications over REST and the WebSocket (contract §14), through the real topology: services send, the user's
 * devices list, read and dismiss; every refusal is a JSON error naming what is wrong.
 */
class NotificationApiTest {
    @RegisterExtension
    final ApiFixture f = new ApiFixture();
    private final String service = f.tokens.forService("catalog", Duration.ofHours(1), Instant.now());
    private final String admin = f.tokens.forAdmin("ops", Duration.ofHours(1), Instant.now());
    private final String alice = f.user("alice", "phone");

    private static String notification(String user, String id, String title) {
        return "{\"user_id\":\"" + user + "\",\"notification_type\":\"content_expiring\",\"title\":\"" + title
                + "\",\"body\":\"Fight Club leaves in 7 days\",\"priority\":\"high\""
                + (id == null ? "" : ",\"notification_id\":\"" + id + "\"")
                + ",\"expires_at\":\"" + Instant.now().plus(Duration.ofDays(7)) + "\",\"data\":{\"content_id\":\"tmdb:550\"}}";
    }

    @Test
    void aServiceSendsTheUserListsReadsAndDismisses() throws Exception {
        HttpResponse<String> sent = f.post("/api/v1/notifications", service, notification("alice", "n-1", "Leaving soon"));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        assertThat(f.json(sent).get("notification_id").asText()).isEqualTo("n-1");
        HttpResponse<String> generated = f.post("/api/v1/notifications", admin, notification("alice", null, "For you"));
        assertThat(generated.statusCode()).as(generated.body()).isEqualTo(202);
        String generatedId = f.json(generated).get("notification_id").asText();
        assertThat(generatedId).isNotBlank();
        assertThat(f.post("/api/v1/notifications", service, notification("alice", "n-1", "Leaving soon")).statusCode())
                .as("a repeat is accepted, and a no-op").isEqualTo(202);

        JsonNode list = f.json(f.get("/api/v1/notifications", alice));
        assertThat(list.get("user_id").asText()).isEqualTo("alice");
        assertThat(list.get("unread_count").asInt()).isEqualTo(2);
        assertThat(list.get("notifications")).extracting(n -> n.get("notification_id").asText())
                .containsExactlyInAnyOrder("n-1", generatedId);
        JsonNode n1 = f.json(f.get("/api/v1/notifications/n-1", alice));
        assertThat(n1.get("title").asText()).isEqualTo("Leaving soon");
        assertThat(n1.get("priority").asText()).isEqualTo("high");
        assertThat(n1.get("data").get("content_id").asText()).isEqualTo("tmdb:550");
        assertThat(n1.get("read").asBoolean()).isFalse();

        assertThat(f.call("POST", "/api/v1/notifications/n-1/read", alice, null).statusCode()).isEqualTo(202);
        list = f.json(f.get("/api/v1/notifications", alice));
        assertThat(list.get("unread_count").asInt()).isEqualTo(1);
        assertThat(f.json(f.get("/api/v1/notifications/n-1", alice)).get("read").asBoolean()).isTrue();

        assertThat(f.call("POST", "/api/v1/notifications/n-1/dismiss", alice, null).statusCode()).isEqualTo(202);
        list = f.json(f.get("/api/v1/notifications", alice));
        assertThat(list.get("notifications")).extracting(n -> n.get("notification_id").asText()).containsExactly(generatedId);
        f.assertError(f.get("/api/v1/notifications/n-1", alice), 404, "not_found");
        f.assertError(f.call("POST", "/api/v1/notifications/n-1/read", alice, null), 404, "not_found");
        f.assertError(f.call("POST", "/api/v1/notifications/nope/dismiss", alice, null), 404, "not_found");

        assertThat(f.deltas()).extracting(d -> d.get("msg_type").asText()).containsExactly("notification", "notification",
                "notification_read", "notification_dismissed");
        // The service reads them for the user it names.
        assertThat(f.json(f.get("/api/v1/notifications?user_id=alice", service)).get("unread_count").asInt()).isEqualTo(1);
        // Another user sees none of them.
        assertThat(f.json(f.get("/api/v1/notifications", f.user("bob", "tv"))).get("notifications")).isEmpty();
        f.assertError(f.get("/api/v1/notifications?user_id=alice", f.user("bob", "tv")), 403, "forbidden");
    }

    @Test
    void theUsersDevicesReceiveItAndItsReadOverTheWebSocket() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(f.wsUrl(alice))) {
            JsonNode snapshot = f.json(ws.nextContaining("\"snapshot\"", Duration.ofSeconds(5)));
            assertThat(snapshot.get("notifications")).isEmpty();
            assertThat(snapshot.get("unread_count").asInt()).isZero();

            f.post("/api/v1/notifications", service, notification("alice", "n-1", "Leaving soon"));
            f.fanOut();
            JsonNode pushed = f.json(ws.nextContaining("\"notification\"", Duration.ofSeconds(5)));
            assertThat(pushed.get("type").asText()).isEqualTo("notification");
            assertThat(pushed.get("notification_id").asText()).isEqualTo("n-1");
            assertThat(pushed.get("cursor").asText()).isNotBlank();

            ws.send("{\"type\":\"notification_read\",\"notification_id\":\"n-1\",\"message_id\":\"m-1\"}");
            assertThat(f.json(ws.nextContaining("\"ack\"", Duration.ofSeconds(5))).get("type").asText()).isEqualTo("ack");
            f.fanOut();
            JsonNode read = f.json(ws.nextContaining("notification_read", Duration.ofSeconds(5)));
            assertThat(read.get("device_id").asText()).isEqualTo("phone");
        }
        try (WsTestClient ws = WsTestClient.connect(f.wsUrl(f.user("alice", "tv")))) {
            JsonNode snapshot = f.json(ws.nextContaining("\"snapshot\"", Duration.ofSeconds(5)));
            assertThat(snapshot.get("notifications")).extracting(n -> n.get("read").asBoolean()).containsExactly(true);
            assertThat(snapshot.get("unread_count").asInt()).isZero();
        }
    }

    @Test
    void aNotificationThatExpiredWhileItWaitedIsNotPushed() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(f.wsUrl(alice))) {
            ws.nextContaining("\"snapshot\"", Duration.ofSeconds(5));
            long now = System.currentTimeMillis();
            for (long expires : new long[] {now - 1, now + 60_000}) {
                f.sessions.deliver("alice", DeltaCodec.encode(
                        new Delta.NotificationShown("alice", 1L << 20, "service:notifications",
                                "d-" + expires, new Notification("n-" + expires, "alice",
                                Notification.Type.CONTENT_EXPIRING, "t", "b",
                                Notification.Priority.LOW, expires, null), now - 10, false)));
            }
            JsonNode pushed = f.json(ws.nextContaining("\"notification\"", Duration.ofSeconds(5)));
            assertThat(pushed.get("notification_id").asText()).isEqualTo("n-" + (now + 60_000));
            assertThat(ws.received()).isEmpty();
        }
    }

    @Test
    void badNotificationsAreRefusedWithAnErrorNamingTheFault() throws Exception {
        f.assertError(f.post("/api/v1/notifications", alice, notification("alice", "x", "Mine")), 403, "forbidden");
        HttpResponse<String> r = f.post("/api/v1/notifications", service,
                notification("alice", "x", "T").replace("content_expiring", "spam"));
        f.assertError(r, 400, "invalid_field");
        assertThat(f.json(r).get("message").asText()).contains("notification_type");
        r = f.post("/api/v1/notifications", service, "{\"user_id\":\"alice\",\"notification_type\":\"social_update\","
                + "\"body\":\"b\",\"priority\":\"low\"}");
        f.assertError(r, 400, "missing_field");
        assertThat(f.json(r).get("message").asText()).contains("title");
        r = f.post("/api/v1/notifications", service, notification("alice", "x", "T")
                .replaceAll("\"expires_at\":\"[^\"]+\"", "\"expires_at\":\"2020-01-01T00:00:00Z\""));
        f.assertError(r, 400, "invalid_field");
        assertThat(f.json(r).get("message").asText()).contains("expires_at").contains("past");
        r = f.post("/api/v1/notifications", service, notification("alice", "x", "T").replace("\"priority\":\"high\"",
                "\"priority\":\"critical\""));
        f.assertError(r, 400, "invalid_field");
        f.assertError(f.post("/api/v1/notifications", service, notification("not a user", "x", "T")), 400, "invalid_user_id");
        String big = notification("alice", "x", "T").replace("\"tmdb:550\"", "\"" + "x".repeat(33 * 1024) + "\"");
        f.assertError(f.post("/api/v1/notifications", service, big), 413, "too_large");
        String longBody = notification("alice", "x", "T").replace("Fight Club leaves in 7 days", "b".repeat(2_001));
        f.assertError(f.post("/api/v1/notifications", service, longBody), 400, "invalid_field");
        f.assertError(f.post("/api/v1/notifications", null, notification("alice", "x", "T")), 401, "unauthorized");

        assertThat(f.deltas()).isEmpty();
        assertThat(f.deadLetterReasons()).as("nothing refused was produced").isEmpty();
        assertThat(Json.parse(f.get("/api/v1/notifications", alice).body()).get("notifications")).isEmpty();
    }
}
