package io.mediagateway.sync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Catch-up on the real broker (contract §13): a cursor taken through one instance is answered by the other
 * (whichever owns the user), by {@code GET /api/v1/sync/changes} and {@code /ws?since=} alike, and it stays
 * valid across an instance stopping and a restart — the history is state, restored from its changelog.
 */
@ExtendWith(RealServices.class)
class CatchUpIT {
    private static final String SECRET = "catch-up-it-secret-long-enough-for-hs256";
    private static final int USERS = 8;
    private final ObjectMapper mapper = new ObjectMapper();
    private final JwtTokens tokens = new JwtTokens(SECRET);

    private Map<String, String> env(KafkaBroker kafka, String applicationId, String name, int port) throws Exception {
        return InstanceEnv.quickFailover(InstanceEnv.serving(kafka, applicationId, "catch-up-" + name, port, SECRET));
    }

    private String token(String user) {
        return tokens.forUser(user, "phone", Duration.ofHours(1), Instant.now());
    }

    private String write(int port, String user, String key, int value) throws Exception {
        HttpResponse<String> r = Http.call("http://127.0.0.1:" + port + "/api/v1/sync/preferences", token(user),
                "{\"key\":\"" + key + "\",\"value\":" + value + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return mapper.readTree(r.body()).path("token").asText();
    }

    private JsonNode get(int port, String user, String path) throws Exception {
        HttpResponse<String> r = Http.call("http://127.0.0.1:" + port + path, token(user), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return mapper.readTree(r.body());
    }

    private List<String> keys(JsonNode changes) {
        List<String> keys = new ArrayList<>();
        changes.path("changes").forEach(c -> keys.add(c.path("key").asText()));
        return keys;
    }

    @Test
    void aCursorIsAnsweredByEveryInstanceAndSurvivesARestart(KafkaBroker kafka) throws Exception {
        String applicationId = "catch-up-it-" + UUID.randomUUID().toString().substring(0, 8);
        int portA = Ports.free();
        int portB = Ports.free();
        List<String> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            users.add(applicationId.substring(12) + "-u" + i);
        }
        Map<String, String> cursors = new LinkedHashMap<>();
        Map<String, JsonNode> answers = new LinkedHashMap<>();
        SyncService a = SyncService.start(SyncConfig.fromEnv(env(kafka, applicationId, "a", portA)));
        try (SyncService b = SyncService.start(SyncConfig.fromEnv(env(kafka, applicationId, "b", portB)))) {
            await().atMost(Duration.ofSeconds(90)).until(() -> Http.status("http://127.0.0.1:" + portA + "/ready") == 200
                    && Http.status("http://127.0.0.1:" + portB + "/ready") == 200);
            for (String user : users) {
                String token = write(portA, user, "first", 0);
                cursors.put(user, get(portB, user, "/api/v1/sync/snapshot?after=" + token).path("cursor").asText());
                String last = null;
                for (int i = 1; i <= 3; i++) {
                    last = write(i % 2 == 0 ? portA : portB, user, "k" + i, i);
                }
                get(portA, user, "/api/v1/sync/preferences?after=" + last);
                JsonNode viaA = get(portA, user, "/api/v1/sync/changes?since=" + cursors.get(user));
                JsonNode viaB = get(portB, user, "/api/v1/sync/changes?since=" + cursors.get(user));
                assertThat(keys(viaA)).as(user).containsExactly("k1", "k2", "k3");
                assertThat(viaB).as("the same answer through either instance").isEqualTo(viaA);
                answers.put(user, viaA);
            }
            // a socket on either instance, opened with the cursor, starts with the same changes
            String user = users.get(0);
            for (int port : List.of(portA, portB)) {
                try (WsTestClient ws = WsTestClient.connect("ws://127.0.0.1:" + port + "/ws?token=" + token(user)
                        + "&since=" + cursors.get(user))) {
                    JsonNode opening = mapper.readTree(ws.next(Duration.ofSeconds(10)));
                    assertThat(opening.path("type").asText()).as(opening.toString()).isEqualTo("changes");
                    assertThat(opening.path("changes")).isEqualTo(answers.get(user).path("changes"));
                }
            }

            // A stops: B answers for everyone, from the restored history, the same changes
            a.close();
            for (String u : users) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                        get(portB, u, "/api/v1/sync/changes?since=" + cursors.get(u))).isEqualTo(answers.get(u)));
            }
            // A starts again: both answer, and new changes follow the old ones
            a = SyncService.start(SyncConfig.fromEnv(env(kafka, applicationId, "a2", portA)));
            await().atMost(Duration.ofSeconds(90)).until(() -> Http.status("http://127.0.0.1:" + portA + "/ready") == 200);
            for (String u : users) {
                String token = write(portA, u, "k4", 4);
                // The user's task may be moving to the restarted A and restoring there: a read that must see the
                // write then answers 503 with Retry-After after its 5 s (contract §6), and a client asks again.
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                        get(portB, u, "/api/v1/sync/preferences?after=" + token));
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    JsonNode viaA = get(portA, u, "/api/v1/sync/changes?since=" + cursors.get(u));
                    assertThat(keys(viaA)).as(u).containsExactly("k1", "k2", "k3", "k4");
                    assertThat(get(portB, u, "/api/v1/sync/changes?since=" + cursors.get(u))).isEqualTo(viaA);
                });
            }
        } finally {
            a.close();
        }
    }
}
