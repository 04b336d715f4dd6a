package io.mediagateway.sync.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.model.HourlyCounts;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.topology.StreamsProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The analytics topology in a {@link TopologyTestDriver}: hourly figures, repeats, lateness, trending. */
class AnalyticsTopologyTest {
    private static final Instant T10 = Instant.parse("2026-11-21T10:00:00Z");
    private static final String APP = "analytics-test";

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> events;
    private TestOutputTopic<String, String> hourly;
    private TestOutputTopic<String, String> trending;
    private final AnalyticsCounters counters = new AnalyticsCounters();

    private void start(AnalyticsSettings settings) {
        String id = APP + "-" + System.nanoTime();
        Properties props = StreamsProperties.of(id, "localhost:9", Path.of("target", "ttd", id), 1, 50, 0);
        driver = new TopologyTestDriver(AnalyticsTopology.build(new StreamsConfig(props), settings, counters), props, T10);
        events = driver.createInputTopic(Topics.DEVICE_EVENTS.name(), new ByteArraySerializer(), new ByteArraySerializer());
        hourly = driver.createOutputTopic(Topics.CONTENT_HOURLY.name(), new StringDeserializer(), new StringDeserializer());
        trending = driver.createOutputTopic(Topics.TRENDING.name(), new StringDeserializer(), new StringDeserializer());
    }

    private void start() {
        start(AnalyticsSettings.defaults(APP, 1).withGrace(Duration.ofMinutes(10)));
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    /** A progress event at {@code minutesAfter10} minutes past 10:00, its HLC at that time. */
    private void progress(String user, String content, double minutesAfter10, double position, String state) {
        progress(user, content, minutesAfter10, position, state, 0);
    }

    private void progress(String user, String content, double minutesAfter10, double position, String state, int logical) {
        long at = T10.toEpochMilli() + Math.round(minutesAfter10 * 60_000);
        ObjectNode e = Json.object();
        e.put("msg_type", "watch_progress_update");
        e.put("device_id", "tv-" + user);
        e.put("content_id", content);
        e.put("progress_seconds", position);
        e.put("duration_seconds", 1000);
        e.put("state", state);
        e.put("hlc", Long.toString(Hlc.pack(at, logical)));
        events.pipeInput(user.getBytes(StandardCharsets.UTF_8), Json.bytes(e), at);
    }

    private HourlyCounts hour(String content, int hourAfter10) {
        WindowStore<String, HourlyCounts> store = driver.getWindowStore(AnalyticsStores.CONTENT_HOURLY);
        HourlyCounts c = store.fetch(content, T10.plus(Duration.ofHours(hourAfter10)).toEpochMilli());
        return c == null ? HourlyCounts.ZERO : c;
    }

    /** The last record of each key on sync.analytics.content-hourly. */
    private Map<String, JsonNode> hourlyRecords() {
        Map<String, JsonNode> last = new LinkedHashMap<>();
        hourly.readKeyValuesToList().forEach(kv -> last.put(kv.key, Json.parse(kv.value.getBytes(StandardCharsets.UTF_8))));
        return last;
    }

    @Test
    void countsStartsCompletionsAbandonsAndWatchTimePerContentAndHour() {
        start();
        progress("u4", "tmdb:2", 15, 100, "Paused");
        progress("u1", "tmdb:1", 5, 0, "Playing");
        progress("u1", "tmdb:1", 10, 300, "Playing");        // 300 s watched in 5 min
        progress("u1", "tmdb:1", 12, 320, "Paused");         // 20 s more
        progress("u2", "tmdb:1", 20, 0, "Playing");
        progress("u2", "tmdb:1", 30, 200, "Stopped");        // abandoned at 20 %
        progress("u3", "tmdb:1", 65, 0, "Playing");          // 11:05, next hour
        progress("u3", "tmdb:1", 110, 950, "Playing");       // 95 %: a completion (seek: at most 45 min counted)
        progress("u3", "tmdb:1", 111, 960, "Stopped");       // completed, so not an abandon

        assertThat(hour("tmdb:1", 0)).isEqualTo(new HourlyCounts(2, 0, 1, 300_000 + 20_000 + 200_000));
        assertThat(hour("tmdb:1", 1)).isEqualTo(new HourlyCounts(1, 1, 0, 950_000 + 10_000));
        assertThat(hour("tmdb:2", 0)).isEqualTo(new HourlyCounts(1, 0, 0, 0));

        Map<String, JsonNode> records = hourlyRecords();
        JsonNode ten = records.get("2026-11-21T10:00:00Z|tmdb:1");
        assertThat(ten.get("application_id").asText()).isEqualTo(APP);
        assertThat(ten.get("content_id").asText()).isEqualTo("tmdb:1");
        assertThat(ten.get("hour_start").asText()).isEqualTo("2026-11-21T10:00:00Z");
        assertThat(ten.get("starts").asLong()).isEqualTo(2);
        assertThat(ten.get("abandons").asLong()).isEqualTo(1);
        assertThat(ten.get("watch_time_seconds").decimalValue()).isEqualByComparingTo("520");
        assertThat(records.get("2026-11-21T11:00:00Z|tmdb:1").get("completions").asLong()).isEqualTo(1);
    }

    @Test
    void theEmptyStoresMarkerNeverReachesTheHourlyTopic() {
        start();
        progress("u1", "tmdb:1", 5, 0, "Playing");
        // The marker is written on a fresh store when the task starts; the record cache flushes it like
        // any other entry at the next commit, and the content-hourly sink must not take it for a figure.
        assertThat(hourlyRecords().keySet()).containsExactly("2026-11-21T10:00:00Z|tmdb:1");
    }

    @Test
    void repeatedAndReorderedProgressCountsOnce() {
        start();
        progress("u1", "tmdb:1", 5, 0, "Playing");
        progress("u1", "tmdb:1", 5, 0, "Playing");           // the same event again (same HLC)
        progress("u1", "tmdb:1", 6, 60, "Playing");
        progress("u1", "tmdb:1", 6, 60, "Playing");          // again
        progress("u1", "tmdb:1", 5.5, 30, "Playing");        // older than what was counted: arrived late
        progress("u1", "tmdb:1", 20, 950, "Playing", 0);     // completion; 890 s on, but only 840 s passed
        progress("u1", "tmdb:1", 21, 955, "Playing");        // still ≥ 90 %: not a second completion
        progress("u1", "tmdb:1", 30, 400, "Stopped");        // the session had completed: not an abandon
        progress("u1", "tmdb:1", 31, 400, "Stopped");        // stopped again: nothing
        progress("u2", "tmdb:1", 40, 100, "Stopped");        // a session that is only a stop
        progress("u2", "tmdb:1", 41, 100, "Stopped");

        assertThat(hour("tmdb:1", 0)).isEqualTo(new HourlyCounts(2, 1, 1, 60_000 + 840_000 + 5_000));
        assertThat(counters.repeatedCount()).isEqualTo(3);
    }

    @Test
    void aUserComingBackAfterStoppingOrAfterTheSessionTimeoutStartsAgain() {
        start();
        progress("u1", "tmdb:1", 0, 0, "Playing");
        progress("u1", "tmdb:1", 10, 100, "Stopped");        // abandon
        progress("u1", "tmdb:1", 20, 100, "Playing");        // a new session
        progress("u1", "tmdb:1", 20 + 6 * 60 + 1, 200, "Playing"); // more than 6 h later (16:21): new session
        assertThat(hour("tmdb:1", 0)).isEqualTo(new HourlyCounts(2, 0, 1, 100_000));
        assertThat(hour("tmdb:1", 6)).isEqualTo(new HourlyCounts(1, 0, 0, 0));
    }

    @Test
    void sessionsIdleLongerThanTheTimeoutAndGraceAreForgottenThroughTheTimeIndex() {
        start(); // grace 10 minutes, session timeout 6 hours
        progress("u1", "tmdb:1", 0, 0, "Playing");
        progress("u1", "tmdb:1", 5, 300, "Paused");
        progress("u2", "tmdb:2", 60, 0, "Playing");
        assertThat(sessionKeys()).containsExactlyInAnyOrder("u1\0tmdb:1", "u2\0tmdb:2");
        long indexed = 0;
        try (var it = driver.<org.apache.kafka.common.utils.Bytes, byte[]>getKeyValueStore(AnalyticsStores.SESSIONS_BY_TIME)
                .all()) {
            while (it.hasNext()) {
                it.next();
                indexed++;
            }
        }
        assertThat(indexed).as("one index entry per session, moved with it").isEqualTo(2);

        // 17:20 then 17:50: u1 (10:05) is idle past 6 h + 10 min + the hour a counted event may lie back; u2 (11:00) not
        progress("u3", "tmdb:3", 7 * 60 + 20, 0, "Playing");
        progress("u3", "tmdb:3", 7 * 60 + 50, 60, "Playing");  // stream time moves on: the hourly sweep has run
        assertThat(sessionKeys()).containsExactlyInAnyOrder("u2\0tmdb:2", "u3\0tmdb:3");

        progress("u1", "tmdb:1", 7 * 60 + 51, 310, "Playing"); // u1 comes back: a new session, as the timeout says
        assertThat(hour("tmdb:1", 7)).isEqualTo(new HourlyCounts(1, 0, 0, 0));
    }

    @Test
    void anErasureDeletesTheUsersViewingSessionsAndTheirIndexEntriesButNotTheHourlyFigures() {
        start();
        progress("u1", "tmdb:1", 0, 0, "Playing");
        progress("u1", "tmdb:2", 1, 0, "Playing");
        progress("u2", "tmdb:1", 2, 0, "Playing");
        HourlyCounts before = hour("tmdb:1", 0);

        ObjectNode erase = Json.object().put("msg_type", "user_erase").put("device_id", "service:privacy")
                .put("hlc", Long.toString(Hlc.pack(T10.toEpochMilli() + 180_000, 0)));
        events.pipeInput("u1".getBytes(StandardCharsets.UTF_8), Json.bytes(erase), T10.toEpochMilli() + 180_000);

        assertThat(sessionKeys()).containsExactly("u2\0tmdb:1");
        long indexed = 0;
        try (var it = driver.<org.apache.kafka.common.utils.Bytes, byte[]>getKeyValueStore(AnalyticsStores.SESSIONS_BY_TIME)
                .all()) {
            while (it.hasNext()) {
                it.next();
                indexed++;
            }
        }
        assertThat(indexed).as("u1's index entries went with the sessions").isEqualTo(1);
        assertThat(hour("tmdb:1", 0)).as("per content, not per user: kept").isEqualTo(before);
    }

    @Test
    void aSessionIsNotForgottenWhileALateEventOfItCouldStillCount() {
        start(); // grace 10 minutes, session timeout 6 hours
        progress("u1", "tmdb:1", 5, 0, "Paused");              // 10:05
        progress("u3", "tmdb:3", 6 * 60 + 20, 0, "Playing");   // 16:20: newest event time; the sweep runs
        // 16:02, out of order but in the open hour, so counted; 5 h 57 min after u1's last event:
        // the same session, not a new start — whether or not the sweep ran in between.
        progress("u1", "tmdb:1", 6 * 60 + 2, 10, "Playing");
        assertThat(hour("tmdb:1", 6)).isEqualTo(HourlyCounts.ZERO);
        assertThat(hour("tmdb:1", 0)).isEqualTo(new HourlyCounts(1, 0, 0, 0));
    }

    private List<String> sessionKeys() {
        List<String> keys = new ArrayList<>();
        try (var it = driver.<String, byte[]>getKeyValueStore(AnalyticsStores.SESSIONS).all()) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }

    @Test
    void lateEventsAreCountedWithinTheGracePeriodAndDroppedAfterIt() {
        start(); // grace 10 minutes
        progress("u1", "tmdb:9", 65, 0, "Playing");          // newest event time 11:05
        progress("u2", "tmdb:1", 50, 0, "Playing");          // 10:50: hour 10 closed at 11:00, + 10 min grace: counted
        progress("u3", "tmdb:9", 75, 0, "Playing");          // newest event time 11:15
        progress("u4", "tmdb:1", 40, 0, "Playing");          // 10:40: 11:00 + 10 min ≤ 11:15: dropped
        progress("u5", "tmdb:1", 71, 0, "Playing");          // 11:11, out of order but in the open hour: counted

        assertThat(hour("tmdb:1", 0)).isEqualTo(new HourlyCounts(1, 0, 0, 0));
        assertThat(hour("tmdb:1", 1)).isEqualTo(new HourlyCounts(1, 0, 0, 0));
        assertThat(counters.lateCount()).isEqualTo(1);
        // The dropped event left no trace: the same user's next event starts a session.
        progress("u4", "tmdb:1", 76, 10, "Playing");
        assertThat(hour("tmdb:1", 1)).isEqualTo(new HourlyCounts(2, 0, 0, 0));
    }

    @Test
    void aReplayedPeriodCountsOnlyTheEventsInsideIt() {
        long from = T10.plus(Duration.ofMinutes(30)).toEpochMilli();
        long to = T10.plus(Duration.ofMinutes(90)).toEpochMilli();
        start(AnalyticsSettings.defaults(APP, 1).withPeriod(from, to));
        progress("u1", "tmdb:1", 10, 0, "Playing");          // before the period
        progress("u1", "tmdb:1", 35, 0, "Playing");          // inside: the session's first event here is its start
        progress("u2", "tmdb:1", 85, 0, "Playing");          // inside, hour 11
        progress("u3", "tmdb:1", 95, 0, "Playing");          // after
        assertThat(hour("tmdb:1", 0)).isEqualTo(new HourlyCounts(1, 0, 0, 0));
        assertThat(hour("tmdb:1", 1)).isEqualTo(new HourlyCounts(1, 0, 0, 0));
    }

    @Test
    void trendingRanksContentsByStartsInTheLastHour() {
        start(AnalyticsSettings.defaults(APP, 1).withTrendingSize(3));
        progress("u1", "old", 0, 0, "Playing");              // 10:00: leaves the window when the newest start is past 11:00
        progress("u2", "old", 1, 0, "Playing");
        progress("u3", "old", 2, 0, "Playing");
        progress("u4", "old", 3, 0, "Playing");
        for (String u : List.of("a", "b", "c")) {
            progress(u, "tmdb:B", 30, 0, "Playing");
        }
        progress("a", "tmdb:B", 31, 30, "Playing");          // the same session: not another start
        for (String u : List.of("a", "b")) {
            progress(u, "tmdb:C", 40, 0, "Playing");
            progress(u, "tmdb:A", 45, 0, "Playing");
        }
        progress("d", "tmdb:D", 50, 0, "Playing");
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(ranking(lastTrending())).containsExactly("old=4", "tmdb:B=3", "tmdb:A=2");

        progress("e", "tmdb:D", 62, 0, "Playing");           // newest start 11:02: 10:00–10:02 leave the window
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        JsonNode list = lastTrending();
        assertThat(ranking(list)).containsExactly("tmdb:B=3", "tmdb:A=2", "tmdb:C=2");
        assertThat(list.get("contents_ranked").asInt()).isEqualTo(5);
        assertThat(list.get("window_start").asText()).isEqualTo("2026-11-21T10:03:00Z");
        assertThat(list.get("window_end").asText()).isEqualTo("2026-11-21T11:02:00Z");
        assertThat(list.get("items").get(0).get("rank").asInt()).isEqualTo(1);

        progress("f", "tmdb:D", 63, 0, "Playing");           // 11:03: the last start of "old" leaves too
        progress("g", "tmdb:D", 63, 0, "Playing");
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(ranking(lastTrending())).containsExactly("tmdb:D=4", "tmdb:B=3", "tmdb:A=2");
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(trending.isEmpty()).as("an unchanged list is not published again").isTrue();

        progress("a", "tmdb:B", 93, 60, "Playing");          // no start, but event time 11:33: B (10:30) leaves
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(ranking(lastTrending())).containsExactly("tmdb:D=4", "tmdb:A=2", "tmdb:C=2");
        // The same list is what REST reads, from the store.
        byte[] stored = driver.<String, byte[]>getKeyValueStore(AnalyticsStores.TRENDING).get(AnalyticsStores.TRENDING_KEY);
        assertThat(ranking(Json.parse(stored))).containsExactly("tmdb:D=4", "tmdb:A=2", "tmdb:C=2");
    }

    @Test
    void aQuietServicesTrendingListAgesWithTheWallClockWhileAReplayKeepsToEventTime() {
        for (AnalyticsSettings settings : List.of(AnalyticsSettings.defaults(APP, 1),
                AnalyticsSettings.defaults(APP, 1).withEventTimeOnly())) {
            boolean live = settings.trendingIdle().compareTo(Duration.ZERO) > 0;
            start(settings);
            progress("u1", "tmdb:A", 0, 0, "Playing");           // 10:00
            progress("u2", "tmdb:B", 1, 0, "Playing");           // 10:01
            progress("u3", "tmdb:B", 1, 0, "Playing");
            driver.advanceWallClockTime(Duration.ofSeconds(1));
            assertThat(ranking(lastTrending())).containsExactly("tmdb:B=2", "tmdb:A=1");

            // Nothing arrives. Two minutes on, the window has moved (if live) but no start left it: nothing published.
            driver.advanceWallClockTime(Duration.ofMinutes(2));
            assertThat(trending.isEmpty()).isTrue();
            // At 11:00:30 the start of 10:00 is out of the last hour; at 11:02 those of 10:01 too.
            driver.advanceWallClockTime(Duration.ofMinutes(58).plusSeconds(29));
            if (live) {
                JsonNode list = lastTrending();
                assertThat(ranking(list)).containsExactly("tmdb:B=2");
                assertThat(list.get("window_end").asText()).isEqualTo("2026-11-21T11:00:00Z");
                driver.advanceWallClockTime(Duration.ofMinutes(2));
                assertThat(ranking(lastTrending())).isEmpty();
                // and the next event counts in the window as it stands
                progress("u4", "tmdb:C", 63, 0, "Playing");
                driver.advanceWallClockTime(Duration.ofSeconds(1));
                assertThat(ranking(lastTrending())).containsExactly("tmdb:C=1");
            } else {
                driver.advanceWallClockTime(Duration.ofHours(2));
                assertThat(trending.isEmpty()).as("a replay's list moves with event time only").isTrue();
                byte[] stored = driver.<String, byte[]>getKeyValueStore(AnalyticsStores.TRENDING)
                        .get(AnalyticsStores.TRENDING_KEY);
                assertThat(ranking(Json.parse(stored))).containsExactly("tmdb:B=2", "tmdb:A=1");
            }
            driver.close();
            driver = null;
        }
    }

    private JsonNode lastTrending() {
        List<String> values = new ArrayList<>(trending.readValuesToList());
        assertThat(values).isNotEmpty();
        return Json.parse(values.get(values.size() - 1).getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> ranking(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.get("items").forEach(i -> out.add(i.get("content_id").asText() + "=" + i.get("starts").asLong()));
        return out;
    }
}
