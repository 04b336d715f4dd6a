package io.mediagateway.sync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.query.OwnerClient;
import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.testing.KafkaBroker;
import io.mediagateway.sync.testing.Ports;
import io.mediagateway.sync.testing.RealServices;
import io.mediagateway.sync.testing.WsTestClient;
import io.mediagateway.sync.web.JwtTokens;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two instances of the service, one application, the real broker: any instance answers for any user
 * (forwarding to the owner), read-your-writes holds across instances, and reads keep answering —
 * stale but flagged — while one instance stops and the other takes its users over.
 */
@ExtendWith(RealServices.class)
class MultiInstanceIT {
    private static final Logger log = LoggerFactory.getLogger(MultiInstanceIT.class);
    private static final String SECRET = "multi-instance-it-secret-long-enough-for-hs256";
    private static final int USERS = 24;
    private final ObjectMapper mapper = new ObjectMapper();
    private final JwtTokens tokens = new JwtTokens(SECRET);

    private static Map<String, String> env(KafkaBroker kafka, String applicationId, String name, int port) throws Exception {
        Map<String, String> env = InstanceEnv.quickFailover(
                InstanceEnv.serving(kafka, applicationId, "multi-" + name, port, SECRET));
        env.put("SYNC_STANDBY_REPLICAS", "1");
        return env;
    }

    private String token(String user) {
        return tokens.forUser(user, "phone", Duration.ofHours(1), Instant.now());
    }

    private String write(int port, String user, String content) throws Exception {
        HttpResponse<String> r = Http.call("http://127.0.0.1:" + port + "/api/v1/sync/watchlist", token(user),
                "{\"operation\":\"add\",\"content_id\":\"" + content + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return mapper.readTree(r.body()).path("token").asText();
    }

    private JsonNode read(int port, String user, String after) throws Exception {
        HttpResponse<String> r = Http.call("http://127.0.0.1:" + port + "/api/v1/sync/watchlist"
                + (after == null ? "" : "?after=" + after), token(user), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return mapper.readTree(r.body());
    }

    private static boolean holds(JsonNode watchlist, String content) {
        for (JsonNode item : watchlist.path("items")) {
            if (item.path("content_id").asText().equals(content)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Alice's socket on A: a snapshot first, then a write through B pushed to it, her own writes
     * acknowledged, bad messages answered with errors — and nothing of Bob's.
     */
    private void webSocket(int portA, int portB, List<String> users) throws Exception {
        String alice = users.get(0);
        String bob = users.get(1);
        Duration wait = Duration.ofSeconds(10);
        try (WsTestClient aliceSocket = WsTestClient.connect("ws://127.0.0.1:" + portA + "/ws?token=" + token(alice));
             WsTestClient bobSocket = WsTestClient.connect("ws://127.0.0.1:" + portA + "/ws?token=" + token(bob))) {
            JsonNode snapshot = mapper.readTree(aliceSocket.next(wait));
            assertThat(snapshot.path("type").asText()).isEqualTo("snapshot");
            assertThat(snapshot.path("user_id").asText()).isEqualTo(alice);
            assertThat(snapshot.path("watchlist")).isNotEmpty();
            assertThat(mapper.readTree(bobSocket.next(wait)).path("user_id").asText()).isEqualTo(bob);

            long sent = System.nanoTime();
            write(portB, alice, "pushed-through-b");
            String pushed = aliceSocket.nextContaining("pushed-through-b", wait);
            assertThat(pushed).as("the delta of a write through the other instance").isNotNull();
            log.info("write through B -> push on A's socket: {} ms", (System.nanoTime() - sent) / 1_000_000);
            JsonNode delta = mapper.readTree(pushed);
            assertThat(delta.path("type").asText()).isEqualTo("watchlist_update");
            assertThat(delta.path("delta_id").asText()).isNotBlank();

            aliceSocket.send("{\"type\":\"preference_update\",\"id\":7,\"key\":\"autoplay\",\"value\":false}");
            JsonNode ack = mapper.readTree(aliceSocket.nextContaining("\"ack\"", wait));
            assertThat(ack.path("id").asInt()).isEqualTo(7);
            assertThat(Hlc.parseDecimal(ack.path("hlc").asText())).isPositive();
            assertThat(aliceSocket.nextContaining("\"preference_update\"", wait)).as("her own write, pushed back").contains("autoplay");

            aliceSocket.send("not json");
            assertThat(mapper.readTree(aliceSocket.nextContaining("\"error\"", wait)).path("error").asText()).isEqualTo("invalid_json");
            aliceSocket.send("{\"type\":\"watchlist_update\",\"operation\":\"add\",\"content_id\":\"\"}");
            assertThat(mapper.readTree(aliceSocket.nextContaining("\"error\"", wait)).path("error").asText())
                    .isEqualTo("invalid_content_id");
            aliceSocket.send("{\"type\":\"explode\"}");
            assertThat(mapper.readTree(aliceSocket.nextContaining("\"error\"", wait)).path("error").asText())
                    .isEqualTo("unknown_type");

            assertThat(bobSocket.received()).as("Bob sees nothing of Alice").noneMatch(m -> m.contains(alice));
        }
        try (WsTestClient refused = WsTestClient.connect("ws://127.0.0.1:" + portA + "/ws?token=forged")) {
            assertThat(refused.nextContaining("unauthorized", wait)).isNotNull();
        }
    }

    /**
     * Contract §14 across instances: a broadcast posted through either instance reaches every session that follows its
     * channel, on both instances, once each; every instance keeps the channel's history; a notification sent through
     * B reaches the user's socket on A and is listed through either.
     */
    private void broadcastsAndNotifications(int portA, int portB, List<String> users, String run) throws Exception {
        Duration wait = Duration.ofSeconds(15);
        String admin = tokens.forAdmin("ops", Duration.ofHours(1), Instant.now());
        String service = tokens.forService("catalog", Duration.ofHours(1), Instant.now());
        String region = "r" + run;
        String inRegion = tokens.forUser(users.get(2), "tv", region, Duration.ofHours(1), Instant.now());
        try (WsTestClient onA = WsTestClient.connect("ws://127.0.0.1:" + portA + "/ws?token=" + inRegion);
             WsTestClient onB = WsTestClient.connect("ws://127.0.0.1:" + portB + "/ws?token="
                     + tokens.forUser(users.get(3), "tv", region, Duration.ofHours(1), Instant.now()));
             WsTestClient elsewhereOnB = WsTestClient.connect("ws://127.0.0.1:" + portB + "/ws?token=" + token(users.get(4)))) {
            for (WsTestClient ws : List.of(onA, onB, elsewhereOnB)) {
                ws.nextContaining("\"snapshot\"", wait);
            }
            String announcement = "{\"channel\":\"global.announcements\",\"msg_type\":\"maintenance\",\"run\":\""
                    + run + "\"}";
            assertThat(Http.call("http://127.0.0.1:" + portA + "/api/v1/broadcasts", admin, announcement).statusCode())
                    .isEqualTo(202);
            String regional = "{\"channel\":\"region." + region + ".updates\",\"msg_type\":\"outage\",\"run\":\""
                    + run + "\"}";
            assertThat(Http.call("http://127.0.0.1:" + portB + "/api/v1/broadcasts", service, regional).statusCode())
                    .isEqualTo(202);
            for (WsTestClient ws : List.of(onA, onB, elsewhereOnB)) {
                assertThat(ws.nextContaining("maintenance", wait)).contains(run);
            }
            assertThat(onA.nextContaining("outage", wait)).contains(run);
            assertThat(onB.nextContaining("outage", wait)).contains(run);
            Thread.sleep(500);
            for (WsTestClient ws : List.of(onA, onB, elsewhereOnB)) {
                assertThat(ws.received()).as("each broadcast once").noneMatch(m -> m.contains(run));
            }
            for (int port : new int[] {portA, portB}) {
                await().atMost(wait).untilAsserted(() -> assertThat(Http.call("http://127.0.0.1:" + port
                        + "/api/v1/broadcasts/region." + region + ".updates", token(users.get(0)), null).body()).contains(run));
            }

            String notification = "{\"user_id\":\"" + users.get(2) + "\",\"notification_id\":\"n-" + run + "\","
                    + "\"notification_type\":\"new_recommendation\",\"title\":\"For you\",\"body\":\"b\",\"priority\":\"normal\"}";
            assertThat(Http.call("http://127.0.0.1:" + portB + "/api/v1/notifications", service, notification).statusCode())
                    .isEqualTo(202);
            assertThat(onA.nextContaining("\"notification\"", wait)).contains("n-" + run);
            for (int port : new int[] {portA, portB}) {
                await().atMost(wait).untilAsserted(() -> assertThat(Http.call("http://127.0.0.1:" + port
                        + "/api/v1/notifications", inRegion, null).body()).contains("n-" + run));
            }
        }
    }

    @Test
    void anyInstanceAnswersReadYourWritesHoldsAndReadsSurviveAnInstanceStopping(KafkaBroker kafka) throws Exception {
        String applicationId = "multi-it-" + UUID.randomUUID().toString().substring(0, 8);
        String run = applicationId.substring(9);
        int portA = Ports.free();
        int portB = Ports.free();
        List<String> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            users.add(run + "-user-" + i);
        }
        try (SyncService a = SyncService.start(SyncConfig.fromEnv(env(kafka, applicationId, "a", portA)))) {
            SyncService b = SyncService.start(SyncConfig.fromEnv(env(kafka, applicationId, "b", portB)));
            Throwable failure = null;
            try {
                await().atMost(Duration.ofSeconds(90)).until(() -> Http.status("http://127.0.0.1:" + portA + "/ready") == 200
                        && Http.status("http://127.0.0.1:" + portB + "/ready") == 200);
                // The application is new and the log is shared with the other tests: let it catch up with what
                // is there, or the first reads with 'after' wait behind that backlog (503 after 5 s, rightly).
                try (org.apache.kafka.clients.admin.Admin admin = kafka.admin()) {
                    var ends = Consumption.endOffsets(admin, io.mediagateway.sync.topics.Topics.DEVICE_EVENTS.name());
                    long start = System.nanoTime();
                    await().atMost(Duration.ofSeconds(120)).until(() -> Consumption.caughtUp(admin, applicationId, ends));
                    log.info("caught up with {} records of the shared log in {} ms",
                            ends.values().stream().mapToLong(Long::longValue).sum(), (System.nanoTime() - start) / 1_000_000);
                }

                // Writes through one instance are read through the other, whoever owns the user;
                // 100 write-then-read pairs with 'after', alternating instances: each read shows its write.
                for (int i = 0; i < 100; i++) {
                    String user = users.get(i % USERS);
                    int writer = i % 2 == 0 ? portA : portB;
                    int readerPort = i % 2 == 0 ? portB : portA;
                    String content = "c-" + i;
                    String after = write(writer, user, content);
                    assertThat(holds(read(readerPort, user, after), content)).as("pair %d: %s", i, content).isTrue();
                }

                webSocket(portA, portB, users);
                broadcastsAndNotifications(portA, portB, users, run);
            } catch (Throwable t) {
                failure = t;
                throw t;
            } finally {
                // Stop B while A keeps reading every user: A takes B's tasks over (from its standbys).
                try {
                    stopBWhileReadingThroughA(b, portA, users);
                } catch (Throwable t) {
                    if (failure == null) {
                        throw t;
                    }
                    failure.addSuppressed(t); // the first failure is the one to see
                }
            }
            // After the rebalance A alone answers for everyone, fresh: it owns every partition now, and must not
            // go on sending reads to where the users were before (nor answer them from a copy flagged stale).
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (String user : users) {
                    HttpResponse<String> r = Http.call("http://127.0.0.1:" + portA + "/api/v1/sync/watchlist", token(user), null);
                    assertThat(r.statusCode()).as("user %s", user).isEqualTo(200);
                    assertThat(r.headers().firstValue(OwnerClient.STALENESS)).as("user %s", user).isEmpty();
                    assertThat(mapper.readTree(r.body()).path("items")).as("user %s", user).isNotEmpty();
                }
            });
        }
    }

    private void stopBWhileReadingThroughA(SyncService b, int portA, List<String> users) throws Exception {
        Thread stopper = new Thread(b::close, "stop-b");
        stopper.start();
        int reads = 0;
        int failed = 0;
        int stale = 0;
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < until || stopper.isAlive()) {
            for (String user : users) {
                HttpResponse<String> r = Http.call("http://127.0.0.1:" + portA + "/api/v1/sync/watchlist", token(user), null);
                reads++;
                if (r.statusCode() != 200) {
                    failed++;
                    log.info("read of {} during the stop: {} {}", user, r.statusCode(), r.body());
                } else {
                    if (r.headers().firstValue(OwnerClient.STALENESS).isPresent()) {
                        stale++;
                    }
                    assertThat(mapper.readTree(r.body()).path("items")).as("user %s", user).isNotEmpty();
                }
            }
        }
        stopper.join();
        log.info("Reads through A while B stopped: {} reads, {} failed, {} flagged stale", reads, failed, stale);
        assertThat(failed).as("failed reads of %d while B stopped", reads).isZero();
    }
}
