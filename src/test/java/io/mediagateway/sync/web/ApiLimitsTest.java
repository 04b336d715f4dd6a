package io.mediagateway.sync.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.codec.JsonLimits;
import io.mediagateway.sync.ingest.EventParser;
import io.mediagateway.sync.ingest.LogPosition;
import io.mediagateway.sync.query.StateSource;
import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.testing.WsTestClient;
import io.mediagateway.sync.topology.SyncStores;
import io.mediagateway.sync.topology.UserKeys;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The limits of contract §18, one test per finding of the probe that led to them: what is
 * acknowledged is never dropped later, no stored value breaks a read, read tokens cannot be forged or
 * hold threads, strings are never rewritten, and a WebSocket session lasts as long as its token.
 */
class ApiLimitsTest {
    @RegisterExtension
    final ApiFixture f = new ApiFixture();

    /** A watchlist add whose body is exactly {@code size} bytes (the title fills it). */
    private static String watchlistAddOfSize(int size) {
        String head = "{\"operation\":\"add\",\"content_id\":\"tmdb:550\",\"content_metadata\":{\"title\":\"";
        String tail = "\"}}";
        return head + "t".repeat(size - head.length() - tail.length()) + tail;
    }

    // ---- 1. the size rule counts what the service adds

    @Test
    void aWriteWhoseEventWouldBeOversizedIsRefusedUpFrontNotDeadLetteredAfterItsAck() throws Exception {
        String alice = f.user("alice", "tv");

        // when a body of exactly the record limit is posted: the event it becomes is larger
        String body = watchlistAddOfSize(EventParser.MAX_RECORD_BYTES);
        assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(EventParser.MAX_RECORD_BYTES);
        HttpResponse<String> atLimit = f.post("/api/v1/sync/watchlist", alice, body);

        // then it is refused up front, saying by how much, and nothing reaches the topology's dead letters
        f.assertError(atLimit, 413, "too_large");
        assertThat(f.json(atLimit).path("message").asText()).contains("32768", "what the service adds");
        assertThat(f.deadLetterReasons()).isEmpty();

        // and the largest body whose event fits is acknowledged and readable with its token
        int fits = EventParser.MAX_RECORD_BYTES - 400;
        String fitting = watchlistAddOfSize(fits);
        HttpResponse<String> ok = f.post("/api/v1/sync/watchlist", alice, fitting);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
        JsonNode list = f.json(f.get("/api/v1/sync/watchlist?after=" + f.json(ok).path("token").asText(), alice));
        assertThat(list.path("items").get(0).path("content_metadata").path("title").asText())
                .isEqualTo(Json.parse(fitting).path("content_metadata").path("title").asText());
        assertThat(f.deadLetterReasons()).isEmpty();
    }

    @Test
    void aWebSocketWriteWhoseEventWouldBeOversizedGetsAnErrorNotAnAck() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(f.wsUrl(f.user("alice", "tv")))) {
            assertThat(ws.next(Duration.ofSeconds(5))).contains("\"type\":\"snapshot\"");
            ObjectNode message = (ObjectNode) Json.parse(watchlistAddOfSize(50_000));
            message.put("type", "watchlist_update");
            message.put("id", 7);
            ws.send(Json.string(message));

            JsonNode answer = f.json(ws.next(Duration.ofSeconds(5)));
            assertThat(answer.path("type").asText()).isEqualTo("error");
            assertThat(answer.path("error").asText()).isEqualTo("too_large");
            assertThat(answer.path("id").asInt()).isEqualTo(7);
        }
        assertThat(f.deadLetterReasons()).isEmpty();
    }

    // ---- 2. nesting is limited at the door, and no stored value breaks a read

    private static String nested(int levels, String inner) {
        return "[".repeat(levels) + inner + "]".repeat(levels);
    }

    @Test
    void aValueNestedBeyondTheLimitIsRefusedByEveryIngressPath() throws Exception {
        String alice = f.user("alice", "tv");
        String deep = "{\"key\":\"theme\",\"value\":" + nested(999, "1") + "}";

        // REST, user and service tokens alike
        HttpResponse<String> rest = f.post("/api/v1/sync/preferences", alice, deep);
        f.assertError(rest, 400, "invalid_field");
        assertThat(f.json(rest).path("message").asText()).contains("'value'", "32");
        String service = f.tokens.forService("backend", Duration.ofHours(1), Instant.now());
        f.assertError(f.post("/api/v1/sync/preferences", service, "{\"user_id\":\"alice\"," + deep.substring(1)), 400, "invalid_field");

        // Kafka: the same event from a gateway is dead-lettered with the same reason
        f.produce("alice", ("{\"msg_type\":\"preference_update\",\"device_id\":\"gw\",\"key\":\"theme\",\"value\":"
                + nested(999, "1") + "}").getBytes(StandardCharsets.UTF_8));
        assertThat(f.deadLetterReasons()).containsExactly("invalid_field");

        // and exactly the limit is accepted and read back as sent
        String atLimit = nested(JsonLimits.MAX_DEPTH, "\"x\"");
        HttpResponse<String> ok = f.post("/api/v1/sync/preferences", alice, "{\"key\":\"theme\",\"value\":" + atLimit + "}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
        JsonNode prefs = f.json(f.get("/api/v1/sync/preferences?after=" + f.json(ok).path("token").asText(), alice));
        assertThat(Json.string(Json.parse(prefs.path("items").path("theme").toString()))).isEqualTo(atLimit);
        f.assertError(f.post("/api/v1/sync/preferences", alice,
                "{\"key\":\"theme\",\"value\":" + nested(JsonLimits.MAX_DEPTH + 1, "\"x\"") + "}"), 400, "invalid_field");
    }

    @Test
    void aStoredValueThatCannotBeServedIsReportedAloneAndEveryReadStillAnswers() throws Exception {
        // given alice's preferences, and one value stored as a version without the limit would have
        String alice = f.user("alice", "tv");
        String token = f.json(f.post("/api/v1/sync/preferences", alice, "{\"key\":\"subtitles\",\"value\":\"fr\"}"))
                .path("token").asText();
        f.get("/api/v1/sync/preferences?after=" + token, alice);
        f.store(SyncStores.PREFERENCES).put(UserKeys.key("alice", "theme"), ("{\"device_id\":\"tv\",\"hlc\":\"1\",\"value\":"
                + nested(999, "1") + "}").getBytes(StandardCharsets.UTF_8));
        f.store(SyncStores.PREFERENCES).put(UserKeys.key("alice", "corrupt"), "not json".getBytes(StandardCharsets.UTF_8));

        // when alice reads her preferences and her snapshot, over REST and the WebSocket
        HttpResponse<String> prefs = f.get("/api/v1/sync/preferences", alice);
        HttpResponse<String> snapshot = f.get("/api/v1/sync/snapshot", alice);
        String wsSnapshot;
        try (WsTestClient ws = WsTestClient.connect(f.wsUrl(alice))) {
            wsSnapshot = ws.next(Duration.ofSeconds(5));
        }

        // then each answers with the readable values, and names each unreadable one in 'errors'
        assertThat(prefs.statusCode()).as(prefs.body()).isEqualTo(200);
        assertThat(f.json(prefs).path("items").path("subtitles").asText()).isEqualTo("fr");
        assertThat(f.json(prefs).path("items").has("theme")).isFalse();
        JsonNode errors = f.json(prefs).path("errors");
        assertThat(errors).hasSize(2);
        assertThat(errors.findValuesAsText("key")).containsExactlyInAnyOrder("theme", "corrupt");
        assertThat(errors.findValuesAsText("error")).containsOnly("unreadable_value");
        assertThat(errors.findValuesAsText("part")).containsOnly("preferences");
        assertThat(snapshot.statusCode()).as(snapshot.body()).isEqualTo(200);
        assertThat(f.json(snapshot).path("preferences").path("subtitles").asText()).isEqualTo("fr");
        assertThat(f.json(snapshot).path("errors")).hasSize(2);
        assertThat(f.json(wsSnapshot).path("type").asText()).isEqualTo("snapshot");
        assertThat(f.json(wsSnapshot).path("preferences").path("subtitles").asText()).isEqualTo("fr");
    }

    @Test
    void aWebSocketMessageIdIsEchoedOnlyWhenItIsAScalarSoNoAnswerCanFailToBeWritten() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(f.wsUrl(f.user("alice", "tv")))) {
            assertThat(ws.next(Duration.ofSeconds(5))).contains("\"type\":\"snapshot\"");
            ws.send("{\"type\":\"preference_update\",\"id\":" + nested(999, "1") + ",\"key\":\"k\",\"value\":1}");
            JsonNode refused = f.json(ws.next(Duration.ofSeconds(5)));
            assertThat(refused.path("error").asText()).isEqualTo("invalid_field");
            assertThat(refused.path("message").asText()).contains("'id'");
            ws.send("{\"type\":\"preference_update\",\"id\":\"p-1\",\"key\":\"k\",\"value\":1}");
            JsonNode ack = f.json(ws.next(Duration.ofSeconds(5)));
            assertThat(ack.path("type").asText()).isEqualTo("ack");
            assertThat(ack.path("id").asText()).isEqualTo("p-1");
        }
    }

    // ---- 3. read tokens are verified, and waiting reads are bounded

    @Test
    void aReadTokenTheServiceDidNotIssueIsRefusedAtOnce() throws Exception {
        String alice = f.user("alice", "tv");
        String issued = f.json(f.post("/api/v1/sync/watchlist", alice, "{\"operation\":\"add\",\"content_id\":\"c\"}"))
                .path("token").asText();
        assertThat(f.get("/api/v1/sync/watchlist?after=" + issued, alice).statusCode()).isEqualTo(200);

        // the form tokens had before they were signed, naming an offset the log never had
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String unsignedOfFarOffset = b64.encodeToString("v1:0:1000000000".getBytes(StandardCharsets.UTF_8));
        f.assertError(f.get("/api/v1/sync/watchlist?after=" + unsignedOfFarOffset, alice), 400, "invalid_token");
        String[] parts = issued.split("\\.");
        String alteredOffset = b64.encodeToString("v2:0:1000000000".getBytes(StandardCharsets.UTF_8)) + "." + parts[1];
        for (String forged : List.of(alteredOffset, issued + "x", "x".repeat(5000))) {
            f.assertError(f.get("/api/v1/sync/watchlist?after=" + forged, alice), 400, "invalid_token");
        }
        // a token is bound to its user: bob cannot wait on alice's position
        f.assertError(f.get("/api/v1/sync/watchlist?after=" + issued, f.user("bob", "tv")), 400, "invalid_token");
    }

    @Test
    void readsWaitingForTheirWritesNeverHoldMoreThanTheirBoundAndTheRestAreRefusedAtOnce() throws Exception {
        // given routes whose writes are never processed (a stalled stream thread), two waiting places
        CountDownLatch release = new CountDownLatch(1);
        StateSource stalled = new StateSource() {
            @Override
            public Location locate(String userId) {
                return f.location.get();
            }

            @Override
            public boolean hasProcessed(String userId, LogPosition token) {
                return false;
            }

            @Override
            public WriteWait awaitWrite(String userId, LogPosition token, Duration timeout) throws InterruptedException {
                return release.await(timeout.toMillis(), TimeUnit.MILLISECONDS) ? WriteWait.PROCESSED : WriteWait.TIMED_OUT;
            }
        };
        ApiRoutes routes = f.routes(stalled, 2);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try (WebServer web = WebServer.start("127.0.0.1", 0, "t", () -> new Readiness.Status(true, "RUNNING"), f.mapper,
                routes::register)) {
            String base = "http://127.0.0.1:" + web.port();
            String alice = f.user("alice", "tv");
            String token = f.json(Http.call(base + "/api/v1/sync/watchlist", alice, "{\"operation\":\"add\",\"content_id\":\"c\"}"))
                    .path("token").asText();

            // when six reads wait for that write at once
            List<Future<HttpResponse<String>>> reads = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                reads.add(pool.submit(() -> Http.call(base + "/api/v1/sync/watchlist?after=" + token, alice, null)));
            }
            // then four are refused at once, while two wait
            List<HttpResponse<String>> refused = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (refused.size() < 4 && System.nanoTime() < deadline) {
                refused.clear();
                for (Future<HttpResponse<String>> r : reads) {
                    if (r.isDone()) {
                        refused.add(r.get());
                    }
                }
                Thread.sleep(20);
            }
            assertThat(refused).hasSize(4);
            for (HttpResponse<String> r : refused) {
                f.assertError(r, 503, "not_yet_visible");
                assertThat(r.headers().firstValue("Retry-After")).contains("1");
            }
            // and the two waiting ones are answered once the write is processed
            release.countDown();
            int answered = 0;
            for (Future<HttpResponse<String>> r : reads) {
                if (r.get(10, TimeUnit.SECONDS).statusCode() == 200) {
                    answered++;
                }
            }
            assertThat(answered).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- 5. strings are valid Unicode, never rewritten

    @Test
    void aLoneSurrogateIsRefusedEverywhereAndAValidPairIsKeptExactly() throws Exception {
        String alice = f.user("alice", "tv");
        f.assertError(f.post("/api/v1/sync/watchlist", alice, "{\"operation\":\"add\",\"content_id\":\"a\\ud800b\"}"),
                400, "invalid_field");
        f.assertError(f.post("/api/v1/sync/preferences", alice, "{\"key\":\"k\",\"value\":{\"x\":[\"\\udc00\"]}}"),
                400, "invalid_field");
        // (in a property name, Jackson's parser refuses it itself)
        HttpResponse<String> inName = f.post("/api/v1/sync/preferences", alice, "{\"key\":\"k\",\"value\":{\"\\ud83d\":1}}");
        assertThat(inName.statusCode()).isEqualTo(400);
        assertThat(f.json(inName).path("message").asText()).containsIgnoringCase("surrogate");
        f.assertError(f.post("/api/v1/sync/watchlist", alice, "{\"operation\":\"add\",\"content_id\":\"c\","
                + "\"content_metadata\":{\"title\":\"x\\ud800\"}}"), 400, "invalid_field");
        // NUL is valid Unicode, but PostgreSQL cannot store it: refused up front, not dropped by the sink later
        f.assertError(f.post("/api/v1/sync/preferences", alice, "{\"key\":\"k\",\"value\":\"a\\u0000b\"}"),
                400, "invalid_field");
        f.produce("alice", "{\"msg_type\":\"watchlist_update\",\"device_id\":\"gw\",\"operation\":\"add\",\"content_id\":\"a\\ud800b\"}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(f.deadLetterReasons()).containsExactly("invalid_field");

        // a real 'a?b' and an emoji (a surrogate pair) are distinct ids, kept exactly
        f.post("/api/v1/sync/watchlist", alice, "{\"operation\":\"add\",\"content_id\":\"a?b\"}");
        String token = f.json(f.post("/api/v1/sync/watchlist", alice, "{\"operation\":\"add\",\"content_id\":\"a\\ud83c\\udfacb\"}"))
                .path("token").asText();
        JsonNode items = f.json(f.get("/api/v1/sync/watchlist?after=" + token, alice)).path("items");
        assertThat(items.findValuesAsText("content_id")).containsExactlyInAnyOrder("a?b", "a\uD83C\uDFACb");
    }

    // ---- 6. a WebSocket session lasts as long as its token, unless refreshed

    @Test
    void aWebSocketSessionEndsWhenItsTokenExpires() throws Exception {
        String shortLived = f.tokens.forUser("alice", "tv", Duration.ofSeconds(2), Instant.now());
        try (WsTestClient ws = WsTestClient.connect(f.wsUrl(shortLived))) {
            assertThat(ws.next(Duration.ofSeconds(5))).contains("\"type\":\"snapshot\"");
            assertThat(ws.nextContaining("token_expiring", Duration.ofSeconds(3))).isNotNull();
            String expired = ws.nextContaining("token_expired", Duration.ofSeconds(4));
            assertThat(expired).as("told why").isNotNull();
            assertThat(f.json(expired).path("type").asText()).isEqualTo("error");
            awaitClose(ws);
            assertThat(ws.closeCode()).isEqualTo(1008);
        }
    }

    @Test
    void aWriteSentAfterTheTokenExpiredIsNotAcknowledged() throws Exception {
        String shortLived = f.tokens.forUser("alice", "tv", Duration.ofSeconds(1), Instant.now());
        try (WsTestClient ws = WsTestClient.connect(f.wsUrl(shortLived))) {
            assertThat(ws.next(Duration.ofSeconds(5))).contains("\"type\":\"snapshot\"");
            Thread.sleep(1_500);
            try {
                ws.send("{\"type\":\"preference_update\",\"key\":\"late\",\"value\":1}");
            } catch (RuntimeException closedAlready) {
                // the session may be closed by then, which is as good
            }
            awaitClose(ws);
            assertThat(ws.received()).noneMatch(m -> m.contains("\"type\":\"ack\""));
        }
        assertThat(f.json(f.get("/api/v1/sync/preferences", f.user("alice", "tv"))).path("items").has("late")).isFalse();
    }

    @Test
    void aFreshTokenSentInBandKeepsTheSessionOpen() throws Exception {
        String shortLived = f.tokens.forUser("alice", "tv", Duration.ofSeconds(2), Instant.now());
        try (WsTestClient ws = WsTestClient.connect(f.wsUrl(shortLived))) {
            assertThat(ws.next(Duration.ofSeconds(5))).contains("\"type\":\"snapshot\"");

            // another user's or device's token does not take over the session
            ws.send("{\"type\":\"auth\",\"id\":1,\"token\":\"" + f.user("bob", "tv") + "\"}");
            assertThat(f.json(ws.nextContaining("\"id\":1", Duration.ofSeconds(5))).path("error").asText()).isEqualTo("forbidden");
            ws.send("{\"type\":\"auth\",\"id\":2,\"token\":\"" + f.user("alice", "phone") + "\"}");
            assertThat(f.json(ws.nextContaining("\"id\":2", Duration.ofSeconds(5))).path("error").asText()).isEqualTo("forbidden");
            ws.send("{\"type\":\"auth\",\"id\":3,\"token\":\"garbage\"}");
            assertThat(f.json(ws.nextContaining("\"id\":3", Duration.ofSeconds(5))).path("error").asText()).isEqualTo("unauthorized");

            // a fresh token of the same user and device does
            ws.send("{\"type\":\"auth\",\"id\":4,\"token\":\"" + f.user("alice", "tv") + "\"}");
            JsonNode ok = f.json(ws.nextContaining("\"id\":4", Duration.ofSeconds(5)));
            assertThat(ok.path("type").asText()).isEqualTo("auth_ok");
            assertThat(Instant.parse(ok.path("expires_at").asText())).isAfter(Instant.now().plus(Duration.ofMinutes(50)));
            Thread.sleep(2_500);
            assertThat(ws.closeCode()).as("still open past the first token's expiry").isEqualTo(-1);
            ws.send("{\"type\":\"preference_update\",\"id\":5,\"key\":\"k\",\"value\":1}");
            assertThat(f.json(ws.nextContaining("\"id\":5", Duration.ofSeconds(5))).path("type").asText()).isEqualTo("ack");
            assertThat(ws.received()).noneMatch(m -> m.contains("token_expired"));
        }
    }

    private static void awaitClose(WsTestClient ws) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (ws.closeCode() < 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
