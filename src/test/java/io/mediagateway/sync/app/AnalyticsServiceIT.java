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
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The analytics application inside {@code serve}, end to end: progress written through the REST API
 * shows in the hourly figures and the trending list over REST — from either of two instances, one
 * forwarding to the other — in {@code content_hourly_stats}, and on the PubNub channel {@code global.trending}.
 */
@ExtendWith(RealServices.class)
class AnalyticsServiceIT {
    private static final String SECRET = "analytics-service-it-secret-long-enough-for-hs256";

    @Test
    void progressBecomesHourlyFiguresAndTrendingOverRestPostgresAndPubNub(KafkaBroker kafka, PostgresDatabase pg)
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String applicationId = "analytics-it-" + run;
        var database = pg.freshDatabase("analytics_it");
        String popular = "it-" + run + "-popular";
        String other = "it-" + run + "-other";
        String service = new JwtTokens(SECRET).forService("playback", Duration.ofHours(1), Instant.now());
        try (PubNubStandIn pubnub = PubNubStandIn.start()) {
            int portA = Ports.free();
            int portB = Ports.free();
            Map<String, String> envA = env(kafka, applicationId, "a", portA);
            envA.remove("SYNC_PG");
            envA.put("PG_URL", pg.jdbcUrlOf(database.getDatabaseName()));
            if (pg.user() != null) {
                envA.put("PG_USER", pg.user());
            }
            if (pg.password() != null) {
                envA.put("PG_PASSWORD", pg.password());
            }
            envA.put("PUBNUB_PUBLISH_KEY", "pub-it");
            envA.put("PUBNUB_SUBSCRIBE_KEY", "sub-it");
            envA.put("PUBNUB_ORIGIN", pubnub.origin());
            envA.put("PUBNUB_SECURE", "false");
            try (SyncService a = SyncService.start(SyncConfig.fromEnv(envA));
                 SyncService b = SyncService.start(SyncConfig.fromEnv(env(kafka, applicationId, "b", portB)))) {
                String baseA = "http://127.0.0.1:" + portA;
                String baseB = "http://127.0.0.1:" + portB;
                await().atMost(Duration.ofSeconds(60)).until(() -> Http.status(baseA + "/ready") == 200
                        && Http.status(baseB + "/ready") == 200);

                // Figures are per hour of event time: keep the events below in one hour (not within a minute of its end).
                Instant nextHour = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
                if (Duration.between(Instant.now(), nextHour).compareTo(Duration.ofMinutes(1)) < 0) {
                    Thread.sleep(Duration.between(Instant.now(), nextHour).toMillis() + 1_000);
                }
                Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
                // Three users start the popular content, one of them twice (repeats), one user the other content.
                for (int u = 0; u < 3; u++) {
                    progress(baseA, service, "it-" + run + "-u" + u, popular, 10, "playing");
                }
                progress(baseB, service, "it-" + run + "-u0", popular, 70, "playing");
                progress(baseB, service, "it-" + run + "-u3", other, 10, "playing");
                progress(baseB, service, "it-" + run + "-u3", other, 20, "stopped");

                // The hourly figures, from either instance (one of them holds the content's partition).
                for (String base : List.of(baseA, baseB)) {
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                        JsonNode figures = get(base + "/api/v1/analytics/content/" + popular + "?from="
                                + hour.minus(Duration.ofHours(1)), service);
                        assertThat(figures.path("totals").path("starts").asLong()).isEqualTo(3);
                        assertThat(figures.path("hours")).hasSize(1);
                        assertThat(figures.path("hours").get(0).path("watch_time_seconds").decimalValue())
                                .isGreaterThan(java.math.BigDecimal.ZERO);
                    });
                }
                // The other content's events may be processed after the popular one's (CI once read its start
                // before its stop): wait for both.
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                    JsonNode otherFigures = get(baseA + "/api/v1/analytics/content/" + other, service);
                    assertThat(otherFigures.path("totals").path("starts").asLong()).isEqualTo(1);
                    assertThat(otherFigures.path("totals").path("abandons").asLong()).isEqualTo(1);
                });

                // The trending list, the same from both instances; the popular content above the other.
                for (String base : List.of(baseA, baseB)) {
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                        List<String> ranked = ranked(get(base + "/api/v1/analytics/trending", service));
                        assertThat(ranked).contains(popular + "=3", other + "=1");
                        assertThat(ranked.indexOf(popular + "=3")).isLessThan(ranked.indexOf(other + "=1"));
                    });
                }

                // content_hourly_stats, under the analytics application's id.
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    try (var c = database.getConnection(); var st = c.prepareStatement("SELECT starts, completions, "
                            + "abandons FROM content_hourly_stats WHERE application_id = ? AND content_id = ? AND hour_start = ?")) {
                        st.setString(1, applicationId + "-analytics");
                        st.setString(2, other);
                        st.setTimestamp(3, java.sql.Timestamp.from(hour));
                        try (var rs = st.executeQuery()) {
                            return rs.next() && rs.getLong(1) == 1 && rs.getLong(2) == 0 && rs.getLong(3) == 1;
                        }
                    }
                });

                // global.trending on PubNub, with the application id in meta: lists come at most once a second here, and
                // the newest always gets there — the final ranking, popular above other.
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                    var lists = pubnub.published().stream().filter(p -> p.channel().equals("global.trending")).toList();
                    assertThat(lists).isNotEmpty();
                    var newest = lists.get(lists.size() - 1);
                    assertThat(newest.meta()).contains(applicationId + "-analytics");
                    List<String> ranked = ranked(Json.parse(newest.message()));
                    assertThat(ranked).contains(popular + "=3", other + "=1");
                    assertThat(ranked.indexOf(popular + "=3")).isLessThan(ranked.indexOf(other + "=1"));
                });

                // Errors name what is wrong.
                HttpResponse<String> bad = Http.call(baseA + "/api/v1/analytics/content/x?from=yesterday", service, null);
                assertThat(bad.statusCode()).isEqualTo(400);
                assertThat(bad.body()).contains("\"error\":\"invalid_field\"", "'from'");
                assertThat(Http.call(baseA + "/api/v1/analytics/trending", null, null).statusCode()).isEqualTo(401);
            }
        }
    }

    private static Map<String, String> env(KafkaBroker kafka, String applicationId, String name, int port) throws Exception {
        Map<String, String> env = InstanceEnv.of(kafka, applicationId, "analytics-" + name, port, SECRET);
        env.put("SYNC_ANALYTICS_TRENDING_INTERVAL_MS", "200");
        // global.trending on PubNub at most once a second (hourly by default), so the final list gets there too.
        env.put("SYNC_TRENDING_PUBLISH_INTERVAL_MS", "1000");
        return env;
    }

    private static void progress(String base, String token, String user, String content, double position, String state)
            throws Exception {
        HttpResponse<String> r = Http.call(base + "/api/v1/sync/progress", token, "{\"user_id\":\"" + user
                + "\",\"device_id\":\"tv\",\"content_id\":\"" + content + "\",\"position_seconds\":" + position
                + ",\"duration_seconds\":1000,\"state\":\"" + state + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    private static JsonNode get(String url, String token) throws Exception {
        HttpResponse<String> r = Http.call(url, token, null);
        assertThat(r.statusCode()).as(url + " -> " + r.body()).isEqualTo(200);
        return Json.parse(r.body());
    }

    private static List<String> ranked(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.path("items").forEach(i -> out.add(i.path("content_id").asText() + "=" + i.path("starts").asLong()));
        return out;
    }
}
