package io.mediagateway.sync.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.model.ChangeCursor;
import io.mediagateway.sync.testing.WsTestClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Catch-up (contract §13): every delta and snapshot carries a cursor; {@code GET /api/v1/sync/changes} and
 * {@code /ws?since=} give exactly what a client missed, in order, with an explicit reset when the cursor is
 * older than the history; and a client that follows the deltas and reconnects at random points ends with
 * exactly the server's state, never seeing a change twice.
 */
class CatchUpTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    final ApiFixture f = new ApiFixture();

    private String pref(String token, String key, int value) throws Exception {
        return f.post("/api/v1/sync/preferences", token, "{\"key\":\"" + key + "\",\"value\":" + value + "}").body();
    }

    private JsonNode changes(String token, String since, String extra) throws Exception {
        return f.json(f.get("/api/v1/sync/changes?since=" + URLEncoder.encode(since, StandardCharsets.UTF_8) + extra, token));
    }

    @Test
    void changesSinceACursorAreTheLaterDeltasInOrderPageByPage() throws Exception {
        String alice = f.user("alice", "phone");
        pref(alice, "theme", 0);
        String cursor = f.json(f.get("/api/v1/sync/snapshot", alice)).path("cursor").asText();
        List<JsonNode> written = new ArrayList<>(f.deltas());
        for (int i = 1; i <= 5; i++) {
            pref(alice, "k" + i, i);
        }
        List<JsonNode> deltas = f.deltas();
        assertThat(deltas).hasSize(5).allSatisfy(d -> assertThat(d.path("cursor").asText()).hasSize(30));
        assertThat(written.get(0).path("cursor").asText()).isEqualTo(cursor);

        JsonNode all = changes(alice, cursor, "");
        assertThat(all.path("user_id").asText()).isEqualTo("alice");
        assertThat(all.path("changes")).hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertThat(all.path("changes").get(i)).isEqualTo(deltas.get(i));
        }
        assertThat(all.path("cursor").asText()).isEqualTo(deltas.get(4).path("cursor").asText());
        assertThat(all.path("more").asBoolean()).isFalse();

        JsonNode page = changes(alice, cursor, "&limit=2");
        assertThat(page.path("changes")).hasSize(2);
        assertThat(page.path("more").asBoolean()).isTrue();
        JsonNode rest = changes(alice, page.path("cursor").asText(), "&limit=500");
        assertThat(rest.path("changes")).hasSize(3);
        assertThat(rest.path("changes").get(0)).isEqualTo(deltas.get(2));
        // up to date: nothing, the same cursor
        JsonNode none = changes(alice, rest.path("cursor").asText(), "");
        assertThat(none.path("changes")).isEmpty();
        assertThat(none.path("cursor").asText()).isEqualTo(rest.path("cursor").asText());
    }

    @Test
    void aCursorThatIsNotOneOfThisUsersIsAClearError() throws Exception {
        String alice = f.user("alice", "phone");
        String bob = f.user("bob", "phone");
        pref(alice, "theme", 1);
        pref(bob, "theme", 1);
        String bobs = f.json(f.get("/api/v1/sync/snapshot", bob)).path("cursor").asText();
        f.assertError(f.get("/api/v1/sync/changes?since=" + bobs, alice), 400, "invalid_cursor");
        f.assertError(f.get("/api/v1/sync/changes?since=not-a-cursor", alice), 400, "invalid_cursor");
        f.assertError(f.get("/api/v1/sync/changes", alice), 400, "missing_field");
        String mine = f.json(f.get("/api/v1/sync/snapshot", alice)).path("cursor").asText();
        f.assertError(f.get("/api/v1/sync/changes?since=" + mine + "&limit=501", alice), 400, "invalid_field");
        f.assertError(f.get("/api/v1/sync/changes?since=" + mine + "&limit=x", alice), 400, "invalid_field");
        // a well-formed cursor of this user's that names a change not yet made
        ChangeCursor current = ChangeCursor.decode("alice", mine).orElseThrow();
        String ahead = new ChangeCursor(current.epoch(), current.seq() + 5).encode("alice");
        f.assertError(f.get("/api/v1/sync/changes?since=" + ahead, alice), 400, "invalid_cursor");
    }

    @Test
    void aCursorOlderThanTheHistoryGetsAnExplicitReset() throws Exception {
        String alice = f.user("alice", "phone");
        pref(alice, "theme", 0);
        String old = f.json(f.get("/api/v1/sync/snapshot", alice)).path("cursor").asText();
        for (int i = 0; i < 101; i++) { // the history keeps 100 changes (SYNC_HISTORY_MAX_CHANGES)
            pref(alice, "k", i);
        }
        JsonNode reset = changes(alice, old, "");
        assertThat(reset.path("reset").asBoolean()).as(reset.toString()).isTrue();
        assertThat(reset.path("snapshot").path("preferences").path("k").asInt()).isEqualTo(100);
        assertThat(reset.path("cursor").asText()).isEqualTo(reset.path("snapshot").path("cursor").asText());
        assertThat(reset.has("changes")).isFalse();
        // the oldest change still kept is served
        String kept = f.deltas().get(2).path("cursor").asText();
        assertThat(changes(alice, kept, "").path("changes")).hasSize(99);
    }

    @Test
    void aSocketOpenedWithSinceGetsWhatItMissedThenLiveDeltasWithoutRepeats() throws Exception {
        String alice = f.user("alice", "phone");
        pref(alice, "a", 1);
        f.fanOut();
        String cursor = f.json(f.get("/api/v1/sync/snapshot", alice)).path("cursor").asText();
        pref(alice, "b", 2);
        pref(alice, "c", 3); // not yet delivered by the fan-out when the socket opens
        try (WsTestClient ws = WsTestClient.connect(f.wsUrl(alice) + "&since=" + cursor)) {
            JsonNode opening = f.json(ws.next(WAIT));
            assertThat(opening.path("type").asText()).as(opening.toString()).isEqualTo("changes");
            assertThat(opening.path("changes")).extracting(c -> c.path("key").asText()).containsExactly("b", "c");
            f.fanOut(); // b and c arrive live too: the session drops them
            pref(alice, "d", 4);
            f.fanOut();
            JsonNode live = f.json(ws.next(WAIT));
            assertThat(live.path("type").asText()).isEqualTo("preference_update");
            assertThat(live.path("key").asText()).isEqualTo("d");
            assertThat(ws.next(Duration.ofMillis(300))).isNull();

            ws.send("{\"type\":\"state_reconciliation_request\",\"id\":7,\"requested_states\":[\"Preferences\",\"Devices\"]}");
            JsonNode answer = f.json(ws.nextContaining("\"id\":7", WAIT));
            assertThat(answer.path("type").asText()).isEqualTo("state_reconciliation_response");
            assertThat(answer.path("preferences").path("d").asInt()).isEqualTo(4);
            assertThat(answer.has("devices")).isTrue();
            assertThat(answer.has("watchlist")).isFalse();
            assertThat(answer.has("progress")).isFalse();
            assertThat(answer.path("server_timestamp").asLong()).isGreaterThan(1_700_000_000_000_000L);
            assertThat(answer.path("cursor").asText()).isEqualTo(live.path("cursor").asText());
            ws.send("{\"type\":\"state_reconciliation_request\",\"id\":8,\"requested_states\":[\"Everything\"]}");
            assertThat(f.json(ws.nextContaining("\"id\":8", WAIT)).path("error").asText()).isEqualTo("invalid_field");
        }
        // a foreign cursor: the error, then a snapshot marked reset
        String bob = f.user("bob", "phone");
        try (WsTestClient ws = WsTestClient.connect(f.wsUrl(bob) + "&since=" + cursor)) {
            assertThat(f.json(ws.next(WAIT)).path("error").asText()).isEqualTo("invalid_cursor");
            JsonNode snapshot = f.json(ws.next(WAIT));
            assertThat(snapshot.path("type").asText()).isEqualTo("snapshot");
            assertThat(snapshot.path("reset").asBoolean()).isTrue();
        }
    }

    @Test
    void aCommandThatHasExpiredIsLeftOutOfACatchUpAndTheCursorMovesPastIt() throws Exception {
        String phone = f.user("alice", "phone");
        f.call("PUT", "/api/v1/devices/tv", phone, "{\"device_type\":\"TV\",\"platform\":\"Tizen\","
                + "\"capabilities\":{\"remote_controllable\":true}}");
        String cursor = f.json(f.get("/api/v1/sync/snapshot", phone)).path("cursor").asText();
        long expiresAt = (System.currentTimeMillis() + 1_500) * 1000;
        f.post("/api/v1/devices/command", phone, "{\"target_device_id\":\"tv\",\"command\":{\"type\":\"Pause\"},"
                + "\"expires_at\":" + expiresAt + "}");
        pref(phone, "after", 1);
        List<JsonNode> written = f.deltas();
        assertThat(written).extracting(d -> d.path("msg_type").asText()).containsExactly("device_online", "remote_command",
                "preference_update");

        JsonNode fresh = changes(phone, cursor, "");
        assertThat(fresh.path("changes")).extracting(c -> c.path("msg_type").asText()).containsExactly("remote_command",
                "preference_update");
        Thread.sleep(1_600); // the command's expires_at passes
        JsonNode late = changes(phone, cursor, "");
        assertThat(late.path("changes")).extracting(c -> c.path("msg_type").asText()).containsExactly("preference_update");
        assertThat(late.path("cursor").asText()).isEqualTo(written.get(2).path("cursor").asText());
    }

    /** What a client holds, built only from what the server sent it. */
    private static final class ClientState {
        final Map<String, String> watchlist = new TreeMap<>();
        final Map<String, Double> progress = new TreeMap<>();
        final Map<String, String> preferences = new TreeMap<>();
        final Set<String> seen = new HashSet<>();
        String cursor;

        void snapshot(JsonNode s) {
            watchlist.clear();
            progress.clear();
            preferences.clear();
            s.path("watchlist").forEach(w -> watchlist.put(w.path("content_id").asText(), "present"));
            s.path("progress").forEach(p -> progress.put(p.path("content_id").asText(), p.path("position_seconds").asDouble()));
            s.path("preferences").fields().forEachRemaining(e -> preferences.put(e.getKey(), e.getValue().toString()));
            cursor = s.path("cursor").asText();
        }

        void apply(JsonNode d) {
            String c = d.path("cursor").asText();
            assertThat(seen.add(c)).as("change %s applied twice", d).isTrue();
            switch (d.path("msg_type").asText()) {
                case "watchlist_update" -> {
                    if (d.path("present").asBoolean()) {
                        watchlist.put(d.path("content_id").asText(), "present");
                    } else {
                        watchlist.remove(d.path("content_id").asText());
                    }
                }
                case "watch_progress_update" -> progress.put(d.path("content_id").asText(), d.path("position_seconds").asDouble());
                case "progress_removed" -> progress.remove(d.path("content_id").asText());
                case "preference_update" -> preferences.put(d.path("key").asText(), d.path("value").toString());
                default -> { }
            }
            cursor = c;
        }

        void receive(JsonNode m) {
            switch (m.path("type").asText()) {
                case "snapshot" -> snapshot(m);
                case "changes" -> {
                    m.path("changes").forEach(this::apply);
                    cursor = m.path("cursor").asText();
                }
                case "ack", "error" -> { }
                default -> apply(m);
            }
        }
    }

    @Test
    void aClientFollowingDeltasAndReconnectingAtRandomEndsWithTheServersStateAndNoChangeTwice() throws Exception {
        for (long seed = 1; seed <= 3; seed++) {
            Random rnd = new Random(seed);
            String user = "prop" + seed;
            String token = f.user(user, "tv");
            String writer = f.user(user, "phone");
            ClientState client = new ClientState();
            WsTestClient ws = WsTestClient.connect(f.wsUrl(token));
            client.receive(f.json(ws.next(WAIT)));
            boolean connected = true;
            for (int op = 0; op < 150; op++) {
                int kind = rnd.nextInt(10);
                String content = "tmdb:" + rnd.nextInt(6);
                if (kind < 3) {
                    f.post("/api/v1/sync/watchlist", writer, "{\"operation\":\"" + (rnd.nextBoolean() ? "add" : "remove")
                            + "\",\"content_id\":\"" + content + "\"}");
                } else if (kind < 6) {
                    f.post("/api/v1/sync/progress", writer, "{\"content_id\":\"" + content + "\",\"position_seconds\":"
                            + rnd.nextInt(1000) + ",\"duration_seconds\":1000,\"state\":\"paused\"}");
                } else if (kind < 7) {
                    f.call("DELETE", "/api/v1/sync/progress/" + content, writer, null);
                } else {
                    pref(writer, "k" + rnd.nextInt(3), rnd.nextInt(100));
                }
                f.fanOut();
                if (connected) {
                    drain(ws, client, Duration.ofMillis(rnd.nextInt(3) == 0 ? 50 : 0));
                }
                if (connected && rnd.nextInt(12) == 0) {
                    // the connection drops: whatever was still on its way is lost with it
                    ws.abort();
                    connected = false;
                } else if (!connected && rnd.nextInt(4) == 0) {
                    ws = WsTestClient.connect(f.wsUrl(token) + "&since=" + client.cursor);
                    connected = true;
                }
            }
            if (!connected) {
                ws = WsTestClient.connect(f.wsUrl(token) + "&since=" + client.cursor);
            }
            JsonNode server = f.json(f.get("/api/v1/sync/snapshot", token));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!server.path("cursor").asText().equals(client.cursor) && System.nanoTime() < deadline) {
                drain(ws, client, Duration.ofMillis(50));
            }
            ws.close();
            ClientState expected = new ClientState();
            expected.snapshot(server);
            assertThat(client.cursor).as("seed %d", seed).isEqualTo(expected.cursor);
            assertThat(client.watchlist).as("seed %d", seed).isEqualTo(expected.watchlist);
            assertThat(client.progress).as("seed %d", seed).isEqualTo(expected.progress);
            assertThat(client.preferences).as("seed %d", seed).isEqualTo(expected.preferences);
        }
    }

    private void drain(WsTestClient ws, ClientState client, Duration wait) throws Exception {
        String m = ws.next(wait);
        while (m != null) {
            client.receive(f.json(m));
            m = ws.next(Duration.ofMillis(20));
        }
    }
}
