package io.mediagateway.sync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.testing.KafkaBroker;
import io.mediagateway.sync.testing.Ports;
import io.mediagateway.sync.testing.PostgresDatabase;
import io.mediagateway.sync.testing.PubNubStandIn;
import io.mediagateway.sync.testing.RealServices;
import io.mediagateway.sync.web.JwtTokens;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Erasure end to end (contract §16) on a real broker and a real PostgreSQL, with the PubNub stand-in: a user with a
 * watchlist, progress, preferences, a device and a notification is erased through {@code DELETE /api/v1/users/{id}};
 * within a minute no read of the API, no row of PostgreSQL and no message in PubNub's history of the user's channels
 * (but the erasure's own) shows anything of the user's, while another user keeps everything.
 */
@ExtendWith(RealServices.class)
class ErasureIT {
    private static final Logger log = LoggerFactory.getLogger(ErasureIT.class);
    private static final String SECRET = "erasure-it-secret-long-enough-for-hs256";
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private static void fill(String base, String user) throws Exception {
        String token = new JwtTokens(SECRET).forUser(user, "tv-1", Duration.ofHours(1), Instant.now());
        assertThat(Http.call(base + "/api/v1/sync/watchlist", token, "{\"operation\":\"add\",\"content_id\":\"tmdb:550\","
                + "\"content_metadata\":{\"title\":\"Fight Club\"}}").statusCode()).isEqualTo(202);
        assertThat(Http.call(base + "/api/v1/sync/progress", token, "{\"content_id\":\"tmdb:550\",\"position_seconds\":60,"
                + "\"duration_seconds\":7200,\"state\":\"paused\"}").statusCode()).isEqualTo(202);
        assertThat(Http.call(base + "/api/v1/sync/preferences", token, "{\"key\":\"subtitles\",\"value\":\"fr\"}")
                .statusCode()).isEqualTo(202);
        assertThat(Http.request("PUT", base + "/api/v1/devices/tv-1", token, "{\"device_type\":\"TV\",\"platform\":\"Tizen\","
                + "\"app_version\":\"1\",\"capabilities\":{}}").statusCode()).isEqualTo(202);
        String service = new JwtTokens(SECRET).forService("crm", Duration.ofHours(1), Instant.now());
        assertThat(Http.call(base + "/api/v1/notifications", service, "{\"user_id\":\"" + user + "\",\"notification_type\":"
                + "\"new_recommendation\",\"title\":\"Because you watched\",\"body\":\"b\",\"priority\":\"normal\"}")
                .statusCode()).isEqualTo(202);
    }

    private static long rowsOf(DataSource db, String user) throws Exception {
        long rows = 0;
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            for (String table : List.of("user_watchlists", "user_progress", "user_preferences", "user_devices",
                    "user_notifications")) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table + " WHERE user_id = '" + user + "'")) {
                    rs.next();
                    rows += rs.getLong(1);
                }
            }
        }
        return rows;
    }

    private static String snapshot(String base, String user) throws Exception {
        String token = new JwtTokens(SECRET).forUser(user, "check", Duration.ofHours(1), Instant.now());
        return Http.call(base + "/api/v1/sync/snapshot", token, null).body();
    }

    @Test
    void withinAMinuteNothingOfTheUserIsLeftInTheApiPostgresOrPubNubsHistory(KafkaBroker kafka, PostgresDatabase pg)
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String alice = "era-a-" + run;
        String bob = "era-b-" + run;
        var database = pg.freshDatabase("erasure_it");
        int port = Ports.free();
        String base = "http://127.0.0.1:" + port;
        try (PubNubStandIn pubnub = PubNubStandIn.start()) {
            Map<String, String> env = InstanceEnv.serving(kafka, "erasure-it-" + run, "erasure", port, SECRET);
            env.remove("SYNC_PG");
            env.put("PG_URL", pg.jdbcUrlOf(database.getDatabaseName()));
            if (pg.user() != null) {
                env.put("PG_USER", pg.user());
            }
            if (pg.password() != null) {
                env.put("PG_PASSWORD", pg.password());
            }
            env.putAll(Map.of("PUBNUB_PUBLISH_KEY", "pub-key", "PUBNUB_SUBSCRIBE_KEY", "sub-key", "PUBNUB_SECRET_KEY",
                    "sec-key", "PUBNUB_ORIGIN", pubnub.origin(), "PUBNUB_SECURE", "false"));
            try (SyncService service = SyncService.start(SyncConfig.fromEnv(env))) {
                await().atMost(MINUTE).until(() -> Http.status(base + "/ready") == 200);
                fill(base, alice);
                fill(base, bob);
                await().atMost(MINUTE).until(() -> rowsOf(database, alice) == 5 && rowsOf(database, bob) == 5
                        && !pubnub.historyOf("user." + alice + ".sync").isEmpty()
                        && !pubnub.historyOf("user." + alice + ".notifications").isEmpty());
                assertThat(snapshot(base, alice)).contains("tmdb:550", "subtitles", "tv-1", "Because you watched");

                String token = new JwtTokens(SECRET).forUser(alice, "phone-1", Duration.ofHours(1), Instant.now());
                long asked = System.nanoTime();
                assertThat(Http.request("DELETE", base + "/api/v1/users/" + alice, token, null).statusCode()).isEqualTo(202);

                await().atMost(MINUTE).pollInterval(Duration.ofMillis(100)).until(() -> rowsOf(database, alice) == 0
                        && !snapshot(base, alice).contains("tmdb:550")
                        && pubnub.historyOf("user." + alice + ".devices").isEmpty()
                        && pubnub.historyOf("user." + alice + ".notifications").isEmpty()
                        && pubnub.historyOf("user." + alice + ".sync").stream().allMatch(m -> m.contains("user_erased")));
                log.info("User erased everywhere {} ms after the request", (System.nanoTime() - asked) / 1_000_000);

                JsonNode after = Json.parse(snapshot(base, alice));
                assertThat(after.get("watchlist")).isEmpty();
                assertThat(after.get("progress")).isEmpty();
                assertThat(after.get("preferences")).isEmpty();
                assertThat(after.get("devices")).isEmpty();
                assertThat(after.get("notifications")).isEmpty();
                assertThat(pubnub.historyOf("user." + alice + ".sync")).hasSize(1);
                assertThat(rowsOf(database, bob)).as("bob keeps his rows").isEqualTo(5);
                assertThat(snapshot(base, bob)).contains("tmdb:550", "subtitles", "tv-1", "Because you watched");
            }
        }
    }
}
