package io.mediagateway.sync.egress.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.mediagateway.sync.codec.DeltaCodec;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.codec.StateCodec;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.deadletter.DeadLetterWriter;
import io.mediagateway.sync.deadletter.DeadLetters;
import io.mediagateway.sync.egress.Backoff;
import io.mediagateway.sync.egress.EgressLoop;
import io.mediagateway.sync.egress.EgressMetrics;
import io.mediagateway.sync.model.Delta;
import io.mediagateway.sync.model.PreferenceValue;
import io.mediagateway.sync.query.UserStateReader;
import io.mediagateway.sync.testing.KafkaBroker;
import io.mediagateway.sync.testing.Ports;
import io.mediagateway.sync.testing.PostgresDatabase;
import io.mediagateway.sync.testing.RealServices;
import io.mediagateway.sync.testing.TestDirs;
import io.mediagateway.sync.testing.TestTopics;
import io.mediagateway.sync.testing.TopicReader;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.topology.SyncTopology;
import io.mediagateway.sync.topology.Workload;
import io.mediagateway.sync.testing.SyncTopologyDriver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The PostgreSQL egress end to end on a real Kafka broker and a real PostgreSQL: deltas the real
 * topology made from a mixed workload, written by an {@link EgressLoop} with the {@link PostgresSink}.
 */
@ExtendWith(RealServices.class)
class PostgresSinkIT {
    private static final Instant START = Instant.parse("2026-11-21T10:00:00Z");
    private static final String TABLES_CHECKSUM = """
            SELECT (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM user_watchlists t)
                || (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM user_progress t)
                || (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM user_preferences t)
                || (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM user_devices t)
                || (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM user_notifications t)
            """;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** The deltas the real topology makes of a workload, and its stores afterwards. */
    private record Run(List<Map.Entry<String, byte[]>> deltas, TopologyTestDriver driver, Set<String> users) {
        UserStateReader.Stores stores() {
            return SyncTopologyDriver.stores(driver);
        }
    }

    private Run topology(int users, int events) {
        return topology(users, events, (in, atMs) -> { });
    }

    /** What a test sends after the workload, at record time {@code atMs} past its end. */
    @FunctionalInterface
    private interface After {
        void send(TestInputTopic<String, byte[]> events, long atMs);
    }

    private Run topology(int users, int events, After after) {
        TopologyTestDriver driver = SyncTopologyDriver.start(SyncTopology.Settings.defaults(),
                "pg-sink-it-" + UUID.randomUUID(), START);
        open.add(driver);
        TestInputTopic<String, byte[]> in = driver.createInputTopic(Topics.DEVICE_EVENTS.name(),
                new org.apache.kafka.common.serialization.StringSerializer(), new ByteArraySerializer());
        TestOutputTopic<String, byte[]> out = driver.createOutputTopic(Topics.STATE_DELTAS.name(), new StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        TestInputTopic<String, byte[]> notifications = driver.createInputTopic(Topics.NOTIFICATIONS.name(),
                new org.apache.kafka.common.serialization.StringSerializer(), new ByteArraySerializer());
        Set<String> seen = new TreeSet<>();
        java.util.Random rnd = new java.util.Random(7);
        int sent = 0;
        for (Workload.Event e : Workload.generate(7, START.toEpochMilli(), users, events, 5, Workload.Mix.STATE_ONLY)) {
            in.pipeInput(e.user(), e.value(), START.plusMillis(e.atMs()));
            seen.add(e.user());
            // Now and then a notification for the user, and a read or dismiss of one of the user's (some twice).
            if (rnd.nextInt(20) == 0) {
                String id = "n-" + sent++;
                notifications.pipeInput(e.user(), Json.bytes(Json.object().put("notification_id", id)
                        .put("notification_type", "new_recommendation").put("title", "Title " + id).put("body", "b")
                        .put("priority", "normal")), START.plusMillis(e.atMs()));
            } else if (sent > 0 && rnd.nextInt(15) == 0) {
                String type = rnd.nextBoolean() ? "notification_read" : "notification_dismiss";
                in.pipeInput(e.user(), Json.bytes(Json.object().put("msg_type", type).put("device_id", "d" + rnd.nextInt(3))
                        .put("notification_id", "n-" + rnd.nextInt(sent))), START.plusMillis(e.atMs()));
            }
        }
        after.send(in, Workload.generate(7, START.toEpochMilli(), users, events, 5, Workload.Mix.STATE_ONLY).stream()
                .mapToLong(Workload.Event::atMs).max().orElse(0) + 1_000);
        List<Map.Entry<String, byte[]>> deltas = new ArrayList<>();
        for (KeyValue<String, byte[]> kv : out.readKeyValuesToList()) {
            deltas.add(new AbstractMap.SimpleEntry<>(kv.key, kv.value));
        }
        return new Run(deltas, driver, seen);
    }

    private EgressMetrics metrics;

    private EgressLoop sink(KafkaBroker kafka, DataSource db, String topic, String group) {
        DeadLetterWriter deadLetters = DeadLetterWriter.create(kafka.bootstrapServers(), "pg-it-dead-letters");
        open.add(deadLetters);
        metrics = new EgressMetrics(new SimpleMeterRegistry(), "postgres");
        PostgresSink sink = new PostgresSink(db, deadLetters, metrics, new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1)));
        EgressLoop loop = new EgressLoop(kafka.bootstrapServers(), topic, group, sink, metrics, 500, Duration.ofSeconds(10))
                .start();
        open.add(loop);
        return loop;
    }

    private HikariDataSource pool(String url, String user, String password) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url);
        c.setUsername(user);
        c.setPassword(password);
        c.setMaximumPoolSize(2);
        c.setConnectionTimeout(2_000);
        c.addDataSourceProperty("reWriteBatchedInserts", "true");
        HikariDataSource ds = new HikariDataSource(c);
        open.add(ds);
        return ds;
    }

    private HikariDataSource freshPool(PostgresDatabase pg, String prefix) throws SQLException {
        var plain = pg.freshDatabase(prefix);
        HikariDataSource ds = pool(pg.jdbcUrlOf(plain.getDatabaseName()), plain.getUser(), plain.getPassword());
        PostgresSchema.migrate(ds);
        return ds;
    }

    private static long storedOffsets(DataSource db, String topic) {
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(sum(next_offset), 0) FROM sync_sink_offsets WHERE topic = '" + topic + "'")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }

    private static String query(DataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Set<String> rows(DataSource db, String sql) throws SQLException {
        Set<String> out = new TreeSet<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> cols = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    cols.add(v instanceof Double d ? Double.toString(d) : String.valueOf(v));
                }
                out.add(String.join("|", cols));
            }
        }
        return out;
    }

    @Test
    void tablesAndViewsSayWhatTheStateSaysAndAReplayFromOffsetZeroChangesNothing(KafkaBroker kafka, PostgresDatabase pg)
            throws Exception {
        Run run = topology(25, 4_000);
        String topic = TestTopics.create(kafka, "pg-sink-state", 3);
        TestTopics.produce(kafka.bootstrapServers(), topic, run.deltas());
        HikariDataSource db = freshPool(pg, "pg_sink_state");
        String group = "pg-it-" + UUID.randomUUID();

        EgressLoop loop = sink(kafka, db, topic, group);
        await().atMost(Duration.ofSeconds(60)).until(() -> storedOffsets(db, topic) == run.deltas().size());
        assertThat(metrics.deliveredCount()).isEqualTo(run.deltas().size());
        assertThat(metrics.deadLetterCount()).isZero();

        // What the state says, as the REST API reads it from the topology's stores.
        UserStateReader reader = new UserStateReader(new StateCodec(OrElement.Policy.DEFAULT), 60_000);
        Set<String> watchlist = new TreeSet<>();
        Set<String> inProgress = new TreeSet<>();
        Set<String> completed = new TreeSet<>();
        Map<String, JsonNode> preferences = new TreeMap<>();
        Set<String> devices = new TreeSet<>();
        Set<String> online = new TreeSet<>();
        for (String user : run.users()) {
            JsonNode s = Json.parse(Json.bytes(reader.snapshot(run.stores(), user, START.toEpochMilli())));   // rendered items
            s.path("watchlist").forEach(i -> watchlist.add(user + "|" + i.path("content_id").asText() + "|"
                    + tags(i.path("unique_tags"))));
            s.path("progress").forEach(p -> (p.path("completed").asBoolean() ? completed : inProgress).add(user + "|"
                    + p.path("content_id").asText() + "|" + p.path("position_seconds").asDouble() + "|"
                    + p.path("state").asText() + "|" + p.path("device_id").asText()));
            s.path("preferences").fields().forEachRemaining(e -> preferences.put(user + "|" + e.getKey(), e.getValue()));
            s.path("devices").forEach(d -> {
                devices.add(user + "|" + d.path("device_id").asText() + "|" + d.path("online").asBoolean() + "|"
                        + (d.has("device_type") ? d.path("device_type").asText() : "null"));
                if (d.path("online").asBoolean()) {
                    online.add(user + "|" + d.path("device_id").asText());
                }
            });
        }
        assertThat(watchlist).isNotEmpty();
        assertThat(inProgress).isNotEmpty();
        assertThat(completed).isNotEmpty();
        assertThat(online).isNotEmpty();
        assertThat(rows(db, "SELECT user_id, content_id, (SELECT string_agg(t, ',' ORDER BY t COLLATE \"C\")"
                + " FROM unnest(unique_tags) t) FROM effective_watchlists"))
                .isEqualTo(watchlist);
        assertThat(rows(db, "SELECT user_id, content_id, position_seconds, state, device_id FROM in_progress_content"))
                .isEqualTo(inProgress);
        assertThat(rows(db, "SELECT user_id, content_id, position_seconds, state, device_id FROM completed_content"))
                .isEqualTo(completed);
        Map<String, JsonNode> storedPreferences = new TreeMap<>();
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT user_id, key, value::text FROM user_preferences")) {
            while (rs.next()) {
                storedPreferences.put(rs.getString(1) + "|" + rs.getString(2), Json.parse(rs.getString(3)));
            }
        }
        assertThat(storedPreferences).isEqualTo(preferences);
        assertThat(rows(db, "SELECT user_id, device_id, is_online, device_type FROM user_devices WHERE NOT is_removed"))
                .isEqualTo(devices);
        assertThat(rows(db, "SELECT user_id, device_id FROM user_devices WHERE is_removed")).as("removed devices, kept flagged")
                .isNotEmpty();
        assertThat(rows(db, "SELECT user_id, content_id FROM user_progress WHERE is_removed")).as("removed progress, kept flagged")
                .isNotEmpty();
        assertThat(rows(db, "SELECT user_id, unnest(online_device_ids) FROM online_devices_summary")).isEqualTo(online);
        Set<String> listed = new TreeSet<>();
        for (String user : run.users()) {
            reader.notifications(run.stores(), user, START.toEpochMilli()).path("notifications").forEach(n -> listed.add(
                    user + "|" + n.path("notification_id").asText() + "|" + n.path("title").asText() + "|"
                            + n.path("read").asBoolean()));
        }
        assertThat(listed).isNotEmpty();
        assertThat(rows(db, "SELECT user_id, notification_id, title, read_at IS NOT NULL FROM user_notifications"
                + " WHERE dismissed_at IS NULL")).isEqualTo(listed);
        assertThat(rows(db, "SELECT user_id, notification_id FROM user_notifications WHERE dismissed_at IS NOT NULL"))
                .as("dismissed ones, kept with their dismiss").isNotEmpty();
        assertThat(rows(db, "SELECT user_id, online_devices, known_devices FROM online_devices_summary"))
                .isEqualTo(run.users().stream().filter(u -> devices.stream().anyMatch(d -> d.startsWith(u + "|")))
                        .map(u -> u + "|" + online.stream().filter(d -> d.startsWith(u + "|")).count() + "|"
                                + devices.stream().filter(d -> d.startsWith(u + "|")).count())
                        .collect(Collectors.toCollection(TreeSet::new)));

        // An old stretch of the topic delivered again (a replay half way through) moves no row backwards.
        String before = query(db, TABLES_CHECKSUM);
        List<ConsumerRecord<byte[], byte[]>> all = TopicReader.readCommitted(kafka.bootstrapServers(), topic);
        for (int cut : new int[] {all.size() / 3, 2 * all.size() / 3}) {
            PostgresSink again = new PostgresSink(db, null, new EgressMetrics(new SimpleMeterRegistry(), "postgres"),
                    Backoff.DEFAULT);
            again.deliver(all.subList(0, cut), () -> false).get();
            again.close();
            assertThat(query(db, TABLES_CHECKSUM)).as("tables after re-delivering the first %d deltas", cut)
                    .isEqualTo(before);
        }

        // Replay: the sink's offsets emptied, it reads the topic from offset 0 again.
        loop.close();
        open.remove(loop);
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM sync_sink_offsets");
        }
        sink(kafka, db, topic, group);
        await().atMost(Duration.ofSeconds(60)).until(() -> storedOffsets(db, topic) == run.deltas().size()
                && metrics.deliveredCount() == run.deltas().size());
        assertThat(query(db, TABLES_CHECKSUM)).as("tables after a replay of the whole topic").isEqualTo(before);
    }

    /** Every row of the user tables, as text, by table. */
    private static Map<String, Set<String>> userRows(DataSource db) throws SQLException {
        Map<String, Set<String>> out = new TreeMap<>();
        for (String table : List.of("user_watchlists", "user_progress", "user_preferences", "user_devices",
                "user_notifications")) {
            out.put(table, rows(db, "SELECT * FROM " + table));
        }
        return out;
    }

    @Test
    void anErasureDeletesEveryRowOfTheUserAndWhatTheUserWritesAfterItStaysAlsoUnderReplay(KafkaBroker kafka,
                                                                                         PostgresDatabase pg) throws Exception {
        // The same workload twice; in the second, two users are erased after it and one of them writes again.
        Run plain = topology(12, 1_500);
        List<String> erased = plain.users().stream().limit(2).toList();
        Run withErasure = topology(12, 1_500, (in, atMs) -> {
            for (String user : erased) {
                in.pipeInput(user, Json.bytes(Json.object().put("msg_type", "user_erase").put("device_id", "service:privacy")),
                        START.plusMillis(atMs));
            }
            in.pipeInput(erased.get(0), Json.bytes(Json.object().put("msg_type", "preference_update")
                    .put("device_id", "phone-new").put("key", "after").put("value", "erasure")), START.plusMillis(atMs + 1));
        });
        Map<String, Set<String>> expected = new TreeMap<>();
        Map<String, Set<String>> actual = new TreeMap<>();
        for (Map.Entry<Run, Map<String, Set<String>>> e : List.of(Map.entry(plain, expected), Map.entry(withErasure, actual))) {
            String topic = TestTopics.create(kafka, "pg-sink-erasure", 3);
            TestTopics.produce(kafka.bootstrapServers(), topic, e.getKey().deltas());
            HikariDataSource db = freshPool(pg, "pg_sink_erasure");
            sink(kafka, db, topic, "pg-it-" + UUID.randomUUID());
            await().atMost(Duration.ofSeconds(60)).until(() -> storedOffsets(db, topic) == e.getKey().deltas().size());
            e.getValue().putAll(userRows(db));
            if (e.getKey() == withErasure) {
                // A replay from offset 0 over the same tables ends the same.
                try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
                    st.execute("DELETE FROM sync_sink_offsets");
                }
                sink(kafka, db, topic, "pg-it-" + UUID.randomUUID());   // a new group, counted by new metrics
                await().atMost(Duration.ofSeconds(60)).until(() -> metrics.deliveredCount() >= e.getKey().deltas().size()
                        && storedOffsets(db, topic) == e.getKey().deltas().size());
                assertThat(userRows(db)).as("after a replay").isEqualTo(actual);
            }
        }

        for (String table : expected.keySet()) {
            Set<String> kept = new TreeSet<>(expected.get(table));
            kept.removeIf(row -> erased.stream().anyMatch(u -> row.startsWith(u + "|")));
            Set<String> rest = new TreeSet<>(actual.get(table));
            rest.removeIf(row -> row.startsWith(erased.get(0) + "|phone-new|") || row.startsWith(erased.get(0) + "|after|"));
            assertThat(rest).as(table + ": everyone else's rows as without the erasure, none of the erased users'")
                    .isEqualTo(kept);
        }
        assertThat(expected.get("user_watchlists")).as("the erased users had rows").anyMatch(r -> r.startsWith(erased.get(0) + "|"));
        assertThat(actual.get("user_preferences")).as("written after the erasure").anyMatch(r -> r.startsWith(erased.get(0)
                + "|after|"));
    }

    @Test
    void contentHourlyStatsHoldEachHoursLatestTotalsAndNeverMoveBackUnderReplay(KafkaBroker kafka, PostgresDatabase pg)
            throws Exception {
        kafka.ensureServiceTopics();
        DataSource db = freshPool(pg, "pg_hourly_it");
        DeadLetterWriter deadLetters = DeadLetterWriter.create(kafka.bootstrapServers(), "pg-hourly-it-dead-letters");
        open.add(deadLetters);
        EgressMetrics hourlyMetrics = new EgressMetrics(new SimpleMeterRegistry(), "analytics-postgres");
        PostgresSink sink = PostgresSink.contentHourly(db, deadLetters, hourlyMetrics, Backoff.DEFAULT);
        open.add(sink);
        String bad = "not-json-" + UUID.randomUUID();
        List<ConsumerRecord<byte[], byte[]>> records = List.of(
                hourly(0, "live", "tmdb:1", "2026-11-21T10:00:00Z", 1, 0, 0, "10.500"),
                hourly(1, "live", "tmdb:1", "2026-11-21T10:00:00Z", 2, 1, 0, "20"),
                hourly(2, "live", "tmdb:2", "2026-11-21T10:00:00Z", 1, 0, 0, "0"),
                new ConsumerRecord<>(Topics.CONTENT_HOURLY.name(), 0, 3, "k".getBytes(StandardCharsets.UTF_8),
                        bad.getBytes(StandardCharsets.UTF_8)),
                hourly(4, "live", "tmdb:1", "2026-11-21T10:00:00Z", 3, 1, 1, "30.250"),
                hourly(5, "live", "tmdb:1", "2026-11-21T11:00:00Z", 1, 0, 0, "5"),
                hourly(6, "replay-1", "tmdb:1", "2026-11-21T10:00:00Z", 1, 0, 0, "10.500"));
        sink.deliver(records.subList(0, 2), () -> false).get();
        sink.deliver(records.subList(2, records.size()), () -> false).get();
        String stats = "SELECT application_id, content_id, hour_start, starts, completions, abandons, watch_time_seconds"
                + " FROM content_hourly_stats";
        Set<String> expected = Set.of(
                "live|tmdb:1|2026-11-21 10:00:00.0|3|1|1|30.250",
                "live|tmdb:1|2026-11-21 11:00:00.0|1|0|0|5.000",
                "live|tmdb:2|2026-11-21 10:00:00.0|1|0|0|0.000",
                "replay-1|tmdb:1|2026-11-21 10:00:00.0|1|0|0|10.500");
        assertThat(rows(db, stats.replace("hour_start", "hour_start AT TIME ZONE 'UTC'"))).isEqualTo(expected);
        assertThat(rows(db, "SELECT application_id, content_id, day, starts, watch_time_seconds FROM content_daily_stats"
                + " WHERE application_id = 'live'")).containsExactlyInAnyOrder("live|tmdb:1|2026-11-21|4|35.250",
                "live|tmdb:2|2026-11-21|1|0.000");
        assertThat(TopicReader.readCommitted(kafka.bootstrapServers(), Topics.DEAD_LETTERS.name()).stream()
                .filter(r -> new String(r.value(), StandardCharsets.UTF_8).equals(bad))
                .map(r -> header(r, DeadLetters.REASON))).containsExactly("invalid_record");

        // The whole stream again (a replay into the same application id), then a partial one: nothing moves.
        sink.deliver(records, () -> false).get();
        sink.deliver(List.of(hourly(7, "live", "tmdb:1", "2026-11-21T10:00:00Z", 1, 0, 0, "10.500"),
                hourly(8, "live", "tmdb:1", "2026-11-21T10:00:00Z", 3, 1, 0, "30.250")), () -> false).get();
        assertThat(rows(db, stats.replace("hour_start", "hour_start AT TIME ZONE 'UTC'"))).isEqualTo(expected);
    }

    private static ConsumerRecord<byte[], byte[]> hourly(long offset, String app, String content, String hour,
                                                       long starts, long completions, long abandons, String watched) {
        String json = "{\"application_id\":\"" + app + "\",\"content_id\":\"" + content + "\",\"hour_start\":\""
                + hour + "\",\"starts\":" + starts + ",\"completions\":" + completions + ",\"abandons\":" + abandons
                + ",\"watch_time_seconds\":" + watched + "}";
        return new ConsumerRecord<>(Topics.CONTENT_HOURLY.name(), 0, offset,
                (hour + "|" + content).getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aDeltaPostgresRefusesGoesToDeadLettersWithTheUnreadableOnesAndTheRestLand(KafkaBroker kafka, PostgresDatabase pg)
            throws Exception {
        kafka.ensureServiceTopics();
        String topic = TestTopics.create(kafka, "pg-sink-refused", 1);
        long hlc = Hlc.pack(START.toEpochMilli(), 0);
        List<Map.Entry<String, byte[]>> written = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            written.add(entry("alice", new Delta.Preference("alice", hlc + i, "tv", "p-" + i, "k" + i,
                    new PreferenceValue(Integer.toString(i)))));
        }
        // jsonb cannot hold \u0000: PostgreSQL refuses this value whatever the number of attempts.
        written.add(10, entry("alice", new Delta.Preference("alice", hlc + 100, "tv", "nul", "bad",
                new PreferenceValue("\"a\\u0000b\""))));
        written.add(5, new AbstractMap.SimpleEntry<>("alice", "{not a delta".getBytes(StandardCharsets.UTF_8)));
        TestTopics.produce(kafka.bootstrapServers(), topic, written);
        HikariDataSource db = freshPool(pg, "pg_sink_refused");

        sink(kafka, db, topic, "pg-it-" + UUID.randomUUID());
        await().atMost(Duration.ofSeconds(60)).until(() -> storedOffsets(db, topic) == written.size());

        assertThat(query(db, "SELECT count(*) FROM user_preferences")).isEqualTo("20");
        assertThat(metrics.deadLetterCount()).isEqualTo(2);
        List<ConsumerRecord<byte[], byte[]>> deadLetters = TopicReader.readCommitted(kafka.bootstrapServers(),
                Topics.DEAD_LETTERS.name()).stream().filter(r -> topic.equals(header(r, DeadLetters.SOURCE_TOPIC))).toList();
        assertThat(deadLetters.stream().map(r -> header(r, DeadLetters.REASON) + "@" + header(r, DeadLetters.SOURCE_OFFSET)))
                .containsExactlyInAnyOrder("invalid_delta@5", "postgres_rejected@11");
        assertThat(deadLetters.stream().filter(r -> "postgres_rejected".equals(header(r, DeadLetters.REASON)))
                .map(r -> header(r, DeadLetters.MESSAGE)).findFirst().orElseThrow()).contains("\\u0000");
    }

    private static String tags(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(t -> out.add(t.asText()));
        return String.join(",", out.stream().sorted().toList());
    }

    private static Map.Entry<String, byte[]> entry(String user, Delta d) {
        return new AbstractMap.SimpleEntry<>(user, DeltaCodec.encode(d));
    }

    @Test
    void postgresStoppedMidRunAndRestartedLosesNoRowAndTheSinkResumesByItself(KafkaBroker kafka, PostgresDatabase pg)
            throws Exception {
        Run run = topology(10, 2_000);
        List<Map.Entry<String, byte[]>> deltas = run.deltas();
        int half = deltas.size() / 2;
        String topic = TestTopics.create(kafka, "pg-sink-outage", 2);
        TestTopics.produce(kafka.bootstrapServers(), topic, deltas.subList(0, half));

        // A PostgreSQL of this test's own, so it can be stopped and started again on the same port and data.
        Path data = TestDirs.create("pg-outage-data");
        Path work = TestDirs.create("pg-outage-runtime");
        int port = Ports.free();
        EmbeddedPostgres server = startPostgres(work, data, port);
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        HikariDataSource db = pool(url, "postgres", null);
        PostgresSchema.migrate(db);

        sink(kafka, db, topic, "pg-it-" + UUID.randomUUID());
        await().atMost(Duration.ofSeconds(60)).until(() -> storedOffsets(db, topic) == half);
        server.close();
        TestTopics.produce(kafka.bootstrapServers(), topic, deltas.subList(half, deltas.size()));
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.retryCount() >= 3);
        assertThat(metrics.lagRecords()).as("the second half waits").isGreaterThan(0);

        server = startPostgres(work, data, port);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> storedOffsets(db, topic) == deltas.size());
            String afterOutage = query(db, TABLES_CHECKSUM);

            // The same deltas into an empty database without an outage: the same tables.
            HikariDataSource reference = freshPool(pg, "pg_sink_reference");
            sink(kafka, reference, topic, "pg-it-" + UUID.randomUUID());
            await().atMost(Duration.ofSeconds(60)).until(() -> storedOffsets(reference, topic) == deltas.size());
            assertThat(afterOutage).isEqualTo(query(reference, TABLES_CHECKSUM));
            assertThat(query(db, "SELECT count(*) FROM user_progress")).isNotEqualTo("0");
        } finally {
            for (AutoCloseable c : List.copyOf(open)) {
                if (c instanceof EgressLoop) {
                    c.close();
                    open.remove(c);
                }
            }
            server.close();
        }
    }

    private static EmbeddedPostgres startPostgres(Path work, Path data, int port) throws Exception {
        return EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(work.toFile())
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
