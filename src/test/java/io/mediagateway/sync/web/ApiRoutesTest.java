package io.mediagateway.sync.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.codec.StateCodec;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.ingest.EventSink;
import io.mediagateway.sync.query.ReadRouter;
import io.mediagateway.sync.query.StateSource;
import io.mediagateway.sync.query.UserStateReader;
import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.testing.WsTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every route and error code of the REST API, with writes going through the real topology (in a
 * {@link TopologyTestDriver}) and reads coming from its stores.
 */
class ApiRoutesTest {
    @RegisterExtension
    final ApiFixture f = new ApiFixture();
    private final JwtTokens tokens = f.tokens;
    private final ObjectMapper mapper = f.mapper;
    private final AtomicReference<StateSource.Location> location = f.location;
    private final TestInputTopic<String, byte[]> events = f.events;
    private final EventSink sink = f.sink;
    private final StateSource source = f.source;

    private String user(String user, String device) {
        return f.user(user, device);
    }

    private HttpResponse<String> post(String path, String token, String body) throws Exception {
        return f.post(path, token, body);
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return f.get(path, token);
    }

    private JsonNode json(HttpResponse<String> r) throws Exception {
        return f.json(r);
    }

    private void assertError(HttpResponse<String> r, int status, String code) throws Exception {
        f.assertError(r, status, code);
    }

    @Test
    void watchlistWriteThenReadWithItsToken() throws Exception {
        String alice = user("alice", "tv-living-room");
        HttpResponse<String> added = post("/api/v1/sync/watchlist", alice,
                "{\"operation\":\"add\",\"content_id\":\"tmdb:550\",\"content_metadata\":{\"title\":\"Fight Club\"}}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(202);
        JsonNode answer = json(added);
        assertThat(Hlc.parseDecimal(answer.path("hlc").asText())).isPositive();
        assertThat(answer.path("unique_tag").asText()).isNotBlank();
        String token = answer.path("token").asText();

        JsonNode list = json(get("/api/v1/sync/watchlist?after=" + token, alice));
        assertThat(list.path("user_id").asText()).isEqualTo("alice");
        assertThat(list.path("items")).hasSize(1);
        JsonNode item = list.path("items").get(0);
        assertThat(item.path("content_id").asText()).isEqualTo("tmdb:550");
        assertThat(item.path("unique_tags").get(0).asText()).isEqualTo(answer.path("unique_tag").asText());
        assertThat(item.path("device_id").asText()).isEqualTo("tv-living-room");
        assertThat(item.path("hlc").asText()).isEqualTo(answer.path("hlc").asText());

        assertThat(post("/api/v1/sync/watchlist", alice, "{\"operation\":\"remove\",\"content_id\":\"tmdb:550\"}").statusCode())
                .isEqualTo(202);
        assertThat(json(get("/api/v1/sync/watchlist", alice)).path("items")).isEmpty();
    }

    @Test
    void progressPreferencesHandoffAndCommands() throws Exception {
        String alice = user("alice", "phone");
        assertThat(post("/api/v1/sync/progress", alice, "{\"content_id\":\"c1\",\"position_seconds\":30,"
                + "\"duration_seconds\":100,\"state\":\"playing\"}").statusCode()).isEqualTo(202);
        JsonNode progress = json(get("/api/v1/sync/progress", alice));
        assertThat(progress.path("items").get(0).path("state").asText()).isEqualTo("Playing");
        assertThat(json(get("/api/v1/sync/progress?filter=completed", alice)).path("items")).isEmpty();
        assertThat(json(get("/api/v1/sync/progress?filter=in_progress", alice)).path("items")).hasSize(1);
        assertThat(json(get("/api/v1/sync/progress/c1", alice)).path("resume_position_seconds").asDouble()).isEqualTo(30.0);
        assertError(get("/api/v1/sync/progress/never", alice), 404, "not_found");

        assertThat(post("/api/v1/sync/preferences", alice, "{\"key\":\"subtitles\",\"value\":{\"lang\":\"fr\"}}").statusCode())
                .isEqualTo(202);
        assertThat(json(get("/api/v1/sync/preferences", alice)).path("items").path("subtitles").path("lang").asText())
                .isEqualTo("fr");

        assertThat(post("/api/v1/devices/handoff", alice, "{\"target_device_id\":\"tv\",\"content_id\":\"c1\"}").statusCode())
                .isEqualTo(202);
        assertThat(post("/api/v1/devices/command", alice,
                "{\"target_device_id\":\"tv\",\"command\":{\"type\":\"VolumeSet\",\"params\":{\"level\":0.5}}}").statusCode())
                .isEqualTo(202);
        events.pipeInput("alice", Json.bytes(Json.parse("{\"msg_type\":\"device_join\",\"device_id\":\"tv\",\"device_type\":\"TV\"}")));
        JsonNode devices = json(get("/api/v1/devices", alice)).path("devices");
        assertThat(devices).hasSize(1);
        assertThat(devices.get(0).path("online").asBoolean()).isTrue();

        JsonNode snapshot = json(get("/api/v1/sync/snapshot", alice));
        assertThat(snapshot.path("type").asText()).isEqualTo("snapshot");
        assertThat(snapshot.path("user_id").asText()).isEqualTo("alice");
        assertThat(snapshot.path("progress")).hasSize(1);
        assertThat(snapshot.path("watchlist")).isEmpty();
        assertThat(snapshot.path("preferences").path("subtitles").path("lang").asText()).isEqualTo("fr");
        assertThat(snapshot.path("devices")).hasSize(1);
        assertThat(Hlc.parseDecimal(snapshot.path("hlc").asText())).isPositive();
    }

    @Test
    void thePlaybackServiceBodyWorksWithAServiceToken() throws Exception {
        String playback = tokens.forService("playback", Duration.ofHours(1), Instant.now());
        HttpResponse<String> r = post("/api/v1/sync/progress", playback, "{\"user_id\":\"bob\",\"content_id\":\"tmdb:13\","
                + "\"platform_id\":\"netflix\",\"progress_seconds\":600,\"duration_seconds\":7200,\"device_id\":null,"
                + "\"timestamp\":\"" + Instant.now().minusSeconds(5) + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode item = json(get("/api/v1/sync/progress/tmdb:13?user_id=bob", playback));
        assertThat(item.path("position_seconds").asDouble()).isEqualTo(600);
        assertThat(item.path("state").asText()).isEqualTo("Paused");
        assertThat(item.path("device_id").asText()).isEqualTo("service:playback");
        assertThat(item.path("platform_id").asText()).isEqualTo("netflix");
        assertThat(item.path("hlc").asText()).isEqualTo(json(r).path("hlc").asText());
        assertError(get("/api/v1/sync/progress", playback), 400, "missing_field");
    }

    @Test
    void authenticationFailuresAre401() throws Exception {
        assertError(get("/api/v1/sync/watchlist", null), 401, "unauthorized");
        assertError(get("/api/v1/sync/watchlist", "garbage"), 401, "unauthorized");
        String forged = new JwtTokens("some-other-secret-that-is-long-enough").forUser("alice", "tv", Duration.ofHours(1), Instant.now());
        assertError(get("/api/v1/sync/watchlist", forged), 401, "unauthorized");
        String expired = tokens.forUser("alice", "tv", Duration.ofSeconds(1), Instant.now().minus(Duration.ofHours(2)));
        assertError(get("/api/v1/sync/watchlist", expired), 401, "unauthorized");
        assertError(get("/api/v1/sync/watchlist", user("alice.smith", "tv")), 401, "unauthorized");
        assertThat(get("/api/v1/sync/watchlist", null).headers().firstValue("WWW-Authenticate")).contains("Bearer");
    }

    @Test
    void anotherUsersDataIsNeverVisible() throws Exception {
        post("/api/v1/sync/watchlist", user("bob", "tv"), "{\"operation\":\"add\",\"content_id\":\"secret\"}");
        String alice = user("alice", "tv");
        assertError(get("/api/v1/sync/watchlist?user_id=bob", alice), 403, "forbidden");
        assertError(post("/api/v1/sync/watchlist", alice, "{\"user_id\":\"bob\",\"operation\":\"add\",\"content_id\":\"x\"}"),
                403, "forbidden");
        assertThat(json(get("/api/v1/sync/watchlist", alice)).path("items")).isEmpty();
    }

    @Test
    void badRequestsNameTheFieldAtFault() throws Exception {
        String alice = user("alice", "tv");
        assertError(post("/api/v1/sync/watchlist", alice, "{\"operation\":\"toggle\",\"content_id\":\"c\"}"), 400, "invalid_field");
        assertThat(json(post("/api/v1/sync/watchlist", alice, "{\"operation\":\"add\"}")).path("message").asText())
                .contains("content_id");
        assertError(post("/api/v1/sync/watchlist", alice, "{\"operation\":\"add\",\"content_id\":\"\"}"), 400, "invalid_content_id");
        assertError(post("/api/v1/sync/progress", alice, "{\"content_id\":\"c\",\"position_seconds\":-1,\"duration_seconds\":10}"),
                400, "invalid_field");
        assertError(post("/api/v1/sync/preferences", alice, "not json"), 400, "invalid_json");
        assertError(post("/api/v1/sync/preferences", alice, "[1]"), 400, "invalid_json");
        assertError(post("/api/v1/devices/command", alice, "{\"target_device_id\":\"tv\",\"command\":{\"type\":\"Explode\"}}"),
                400, "invalid_field");
        assertError(get("/api/v1/sync/progress?filter=soon", alice), 400, "invalid_field");
        assertError(get("/api/v1/sync/watchlist?after=not-a-token", alice), 400, "invalid_token");
        String big = "{\"key\":\"k\",\"value\":\"" + "x".repeat(40_000) + "\"}";
        assertError(post("/api/v1/sync/preferences", alice, big), 413, "too_large");
    }

    @Test
    void requestsBeyondTheDeviceLimitAre429WithRetryAfter() throws Exception {
        ApiRoutes limited = new ApiRoutes(tokens, new Hlc(System::currentTimeMillis, 60_000), sink, source,
                new UserStateReader(new StateCodec(OrElement.Policy.DEFAULT), 60_000), System::currentTimeMillis,
                new RateLimiter(100, System::nanoTime), new RateLimiter(1, System::nanoTime));
        try (WebServer other = WebServer.start("127.0.0.1", 0, "test", () -> new Readiness.Status(true, "RUNNING"), mapper,
                limited::register)) {
            String url = "http://127.0.0.1:" + other.port() + "/api/v1/sync/watchlist";
            String tv = user("alice", "tv");
            assertThat(Http.call(url, tv, null).statusCode()).isEqualTo(200);
            assertThat(Http.call(url, tv, null).statusCode()).isEqualTo(200);
            HttpResponse<String> third = Http.call(url, tv, null);
            assertError(third, 429, "rate_limited");
            assertThat(third.headers().firstValue("Retry-After")).contains("1");
            assertThat(Http.call(url, user("alice", "phone"), null).statusCode()).as("another device").isEqualTo(200);
        }
    }

    @Test
    void aSilentWebSocketIsClosedAfterTheIdleTimeoutAndPingsKeepALiveOneOpen() throws Exception {
        ApiRoutes api = new ApiRoutes(tokens, new Hlc(System::currentTimeMillis, 60_000), sink, source,
                new UserStateReader(new StateCodec(OrElement.Policy.DEFAULT), 60_000), System::currentTimeMillis);
        WsSessions sessions = new WsSessions();
        WsRoutes silent = new WsRoutes(api, sessions, Duration.ofSeconds(30), Duration.ofMillis(800));
        WsRoutes pinged = new WsRoutes(api, sessions, Duration.ofMillis(200), Duration.ofMillis(800));
        try (WebServer a = WebServer.start("127.0.0.1", 0, "t", () -> new Readiness.Status(true, "RUNNING"), mapper, c -> {
                 api.register(c);
                 silent.register(c);
             });
             WebServer b = WebServer.start("127.0.0.1", 0, "t", () -> new Readiness.Status(true, "RUNNING"), mapper, c -> {
                 api.register(c);
                 pinged.register(c);
             })) {
            String token = user("alice", "tv");
            try (WsTestClient quiet = WsTestClient.connect("ws://127.0.0.1:" + a.port() + "/ws?token=" + token);
                 WsTestClient alive = WsTestClient.connect("ws://127.0.0.1:" + b.port() + "/ws?token=" + token)) {
                assertThat(quiet.next(Duration.ofSeconds(5))).contains("\"type\":\"snapshot\"");
                assertThat(alive.next(Duration.ofSeconds(5))).contains("\"type\":\"snapshot\"");
                assertThat(sessions.size()).isEqualTo(2);
                Thread.sleep(2500);
                assertThat(quiet.closeCode()).as("closed for silence").isPositive();
                assertThat(alive.closeCode()).as("its pongs keep it open").isEqualTo(-1);
                assertThat(sessions.size()).isEqualTo(1);
            }
        }
    }

    @Test
    void whenNoCopyCanAnswerReadsAre503WithRetryAfter() throws Exception {
        location.set(new StateSource.Unavailable("the streams are rebalancing"));
        HttpResponse<String> r = get("/api/v1/sync/watchlist", user("alice", "tv"));
        assertError(r, 503, "unavailable");
        assertThat(r.headers().firstValue("Retry-After")).contains("1");
    }

    @Test
    void aReadWhoseStoreClosesUnderItLooksAgainBeforeAnswering503() throws Exception {
        // given alice's watchlist, in a store that closes under the next two reads (its task is moving)
        String alice = user("alice", "tv");
        post("/api/v1/sync/watchlist", alice, "{\"operation\":\"add\",\"content_id\":\"tmdb:1\"}");
        StateSource.Local here = (StateSource.Local) location.get();
        java.util.concurrent.atomic.AtomicInteger closings = new java.util.concurrent.atomic.AtomicInteger(2);
        location.set(new StateSource.Local(name -> {
            if (closings.getAndDecrement() > 0) {
                throw new org.apache.kafka.streams.errors.InvalidStateStoreException("the task is moving");
            }
            return here.stores().store(name);
        }, Optional.empty()));

        // when alice reads, then she gets her watchlist, not a 503
        HttpResponse<String> r = get("/api/v1/sync/watchlist", alice);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("items").get(0).path("content_id").asText()).isEqualTo("tmdb:1");
        assertThat(closings.get()).isNegative();

        // and a store that stays closed gives the 503 with Retry-After, after the wait
        location.set(new StateSource.Local(name -> {
            throw new org.apache.kafka.streams.errors.InvalidStateStoreException("the task is moving");
        }, Optional.empty()));
        long start = System.nanoTime();
        HttpResponse<String> closed = get("/api/v1/sync/watchlist", alice);
        assertError(closed, 503, "unavailable");
        assertThat(closed.headers().firstValue("Retry-After")).contains("1");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(ReadRouter.STORE_MOVE_WAIT);
    }

    @Test
    void whenNothingHereOrAtTheOwnerCanAnswerAnotherInstancesCopyDoes() throws Exception {
        // given an instance with no copy of alice that can answer, and two others: one restoring too, one with a standby
        String alice = user("alice", "tv");
        java.util.List<String> forwarded = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (WebServer restoring = WebServer.start("127.0.0.1", 0, "restoring", () -> new Readiness.Status(true, "RUNNING"),
                mapper, c -> c.routes.get("/api/v1/sync/watchlist", ctx -> ctx.status(503).header("Retry-After", "1")
                        .json(new ApiError("unavailable", "the store is restoring").body())));
             WebServer standby = WebServer.start("127.0.0.1", 0, "standby", () -> new Readiness.Status(true, "RUNNING"),
                     mapper, c -> c.routes.get("/api/v1/sync/watchlist", ctx -> {
                         forwarded.add(ctx.header(io.mediagateway.sync.query.OwnerClient.FORWARDED));
                         ctx.header("X-Sync-Staleness", "stale; lag 2 records")
                                 .json(mapper.readTree("{\"user_id\":\"alice\",\"items\":[{\"content_id\":\"tmdb:9\"}]}"));
                     }))) {
            location.set(new StateSource.Unavailable("the streams are rebalancing"));
            f.peers.set(java.util.List.of("http://127.0.0.1:" + restoring.port(), "http://127.0.0.1:" + standby.port()));

            // when alice reads, then the standby's answer comes back, flagged stale, asked as a forwarded read
            HttpResponse<String> r = get("/api/v1/sync/watchlist", alice);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(json(r).path("items").get(0).path("content_id").asText()).isEqualTo("tmdb:9");
            assertThat(r.headers().firstValue("X-Sync-Staleness")).contains("stale; lag 2 records");
            assertThat(forwarded).containsExactly("1");

            // nor is a read that was itself forwarded (no loops): it answers 503
            HttpResponse<String> asForwarded = io.mediagateway.sync.testing.Http.request("GET",
                    f.base + "/api/v1/sync/watchlist", alice, null, io.mediagateway.sync.query.OwnerClient.FORWARDED, "1");
            assertError(asForwarded, 503, "unavailable");
            assertThat(forwarded).hasSize(1);
        } finally {
            f.peers.set(java.util.List.of());
        }
    }

    @Test
    void theOtherCopiesAreAskedAgainWhileTheBudgetLastsAndAFailedReadSaysWhatEachAnswered() throws Exception {
        // given no copy here that can answer, and another instance whose copy is unreadable for a moment (its task
        // recycled from standby to active in the same rebalance): it answers 503 twice, then its copy
        String alice = user("alice", "tv");
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger unreadableFor = new java.util.concurrent.atomic.AtomicInteger(2);
        try (WebServer other = WebServer.start("127.0.0.1", 0, "other", () -> new Readiness.Status(true, "RUNNING"), mapper,
                c -> c.routes.get("/api/v1/sync/watchlist", ctx -> {
                    asked.incrementAndGet();
                    if (unreadableFor.getAndDecrement() > 0) {
                        ctx.status(503).header("Retry-After", "1")
                                .json(new ApiError("unavailable", "the user's store is moving; retry").body());
                    } else {
                        ctx.header("X-Sync-Staleness", "stale; lag 0 records")
                                .json(mapper.readTree("{\"user_id\":\"alice\",\"items\":[{\"content_id\":\"tmdb:5\"}]}"));
                    }
                }))) {
            location.set(new StateSource.Unavailable("the streams are rebalancing"));
            String gone = "http://127.0.0.1:" + io.mediagateway.sync.testing.Ports.free();
            f.peers.set(java.util.List.of(gone, "http://127.0.0.1:" + other.port()));

            // when alice reads, then the other copy answers on the third round, not a 503 after the first
            HttpResponse<String> r = get("/api/v1/sync/watchlist", alice);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(json(r).path("items").get(0).path("content_id").asText()).isEqualTo("tmdb:5");
            assertThat(asked).hasValue(3);

            // and when no copy answers within the read's budget, the 503 says what each instance answered
            unreadableFor.set(Integer.MAX_VALUE);
            long start = System.nanoTime();
            HttpResponse<String> failed = get("/api/v1/sync/watchlist", alice);
            assertError(failed, 503, "unavailable");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(ReadRouter.STORE_MOVE_WAIT);
            assertThat(json(failed).path("message").asText()).startsWith("the streams are rebalancing (the other "
                    + "instances' copies: " + gone + " no answer; http://127.0.0.1:" + other.port() + " 503 ")
                    .contains("the user's store is moving; retry");
        } finally {
            f.peers.set(java.util.List.of());
        }
    }

    @Test
    void theOwnerIsAskedOncePerReadWhileTheCopyHereMovesAndThenTheOtherCopiesAnswer() throws Exception {
        // given an owner that answers 503 at once, a standby here whose store keeps closing under reads (moving), and
        // another instance with a copy
        String alice = user("alice", "tv");
        java.util.concurrent.atomic.AtomicInteger askedOwner = new java.util.concurrent.atomic.AtomicInteger();
        try (WebServer owner = WebServer.start("127.0.0.1", 0, "owner", () -> new Readiness.Status(true, "RUNNING"), mapper,
                c -> c.routes.get("/api/v1/sync/watchlist", ctx -> {
                    askedOwner.incrementAndGet();
                    ctx.status(503).header("Retry-After", "1").json(new ApiError("unavailable", "restoring").body());
                }));
             WebServer other = WebServer.start("127.0.0.1", 0, "other", () -> new Readiness.Status(true, "RUNNING"),
                     mapper, c -> c.routes.get("/api/v1/sync/watchlist", ctx -> ctx.header("X-Sync-Staleness", "stale")
                             .json(mapper.readTree("{\"user_id\":\"alice\",\"items\":[{\"content_id\":\"tmdb:7\"}]}"))))) {
            StateSource.Local moving = new StateSource.Local(name -> {
                throw new org.apache.kafka.streams.errors.InvalidStateStoreException("the store is closed: moving");
            }, Optional.of("stale; restoring"));
            location.set(new StateSource.Remote("http://127.0.0.1:" + owner.port(), Optional.of(moving)));
            f.peers.set(java.util.List.of("http://127.0.0.1:" + other.port()));

            // when alice reads
            HttpResponse<String> r = get("/api/v1/sync/watchlist", alice);

            // then the other instance's copy answers, and the owner was asked once, not again at every look for the
            // store here (each would have spent the budget the other copies need when the owner hangs)
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(json(r).path("items").get(0).path("content_id").asText()).isEqualTo("tmdb:7");
            assertThat(askedOwner).hasValue(1);
        } finally {
            f.peers.set(java.util.List.of());
        }
    }

    @Test
    void aStandbyHereAnswersWhenTheOwnerIsRestoringButNotAReadYourWritesRead() throws Exception {
        // given alice's watchlist here (as a standby copy) and an owner that answers 503 while it restores
        String alice = user("alice", "tv");
        String token = json(post("/api/v1/sync/watchlist", alice, "{\"operation\":\"add\",\"content_id\":\"tmdb:1\"}"))
                .path("token").asText();
        StateSource.Local standby = new StateSource.Local(((StateSource.Local) location.get()).stores(),
                Optional.of("stale; lag 0 records"));
        try (WebServer owner = WebServer.start("127.0.0.1", 0, "owner", () -> new Readiness.Status(true, "RUNNING"), mapper,
                c -> c.routes.get("/api/v1/sync/watchlist", ctx -> ctx.status(503).header("Retry-After", "1")
                        .json(new ApiError("unavailable", "the store is restoring").body())))) {
            location.set(new StateSource.Remote("http://127.0.0.1:" + owner.port(), Optional.of(standby)));

            // when alice reads
            HttpResponse<String> plain = get("/api/v1/sync/watchlist", alice);
            HttpResponse<String> afterWrite = get("/api/v1/sync/watchlist?after=" + token, alice);

            // then the standby answers, flagged stale; a read that must see a write gets the owner's 503
            assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
            assertThat(json(plain).path("items").get(0).path("content_id").asText()).isEqualTo("tmdb:1");
            assertThat(plain.headers().firstValue("X-Sync-Staleness")).contains("stale; lag 0 records");
            assertError(afterWrite, 503, "unavailable");

            // and without a standby the owner's 503 is relayed as it is
            location.set(new StateSource.Remote("http://127.0.0.1:" + owner.port(), Optional.empty()));
            assertError(get("/api/v1/sync/watchlist", alice), 503, "unavailable");
        }

        // when the owner does not answer at all, the standby answers plain reads but not a read with 'after'
        location.set(new StateSource.Remote("http://127.0.0.1:" + io.mediagateway.sync.testing.Ports.free(),
                Optional.of(standby)));
        HttpResponse<String> ownerGone = get("/api/v1/sync/watchlist", alice);
        assertThat(ownerGone.statusCode()).as(ownerGone.body()).isEqualTo(200);
        assertThat(ownerGone.headers().firstValue("X-Sync-Staleness")).contains("stale; lag 0 records");
        assertError(get("/api/v1/sync/watchlist?after=" + token, alice), 503, "unavailable");

        // and a stale copy on the owner itself (restoring) does not answer a read with 'after' either
        location.set(standby);
        assertError(get("/api/v1/sync/watchlist?after=" + token, alice), 503, "unavailable");
        assertThat(get("/api/v1/sync/watchlist", alice).statusCode()).isEqualTo(200);
    }
}
