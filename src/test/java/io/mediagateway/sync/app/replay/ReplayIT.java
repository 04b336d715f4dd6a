package io.mediagateway.sync.app.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.analytics.AnalyticsCounters;
import io.mediagateway.sync.analytics.AnalyticsTopology;
import io.mediagateway.sync.app.SyncConfig;
import io.mediagateway.sync.app.SyncService;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.model.HourlyCounts;
import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.testing.KafkaBroker;
import io.mediagateway.sync.testing.RealServices;
import io.mediagateway.sync.testing.TestDirs;
import io.mediagateway.sync.testing.TestTopics;
import io.mediagateway.sync.testing.TopicReader;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.topology.BoundedRocksDb;
import io.mediagateway.sync.topology.StreamsProperties;
import io.mediagateway.sync.web.JwtTokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code replay} machinery against a real broker: a day of synthetic viewing is processed by the
 * analytics application as it runs live, then replayed from the start into a new application id
 * (identical figures) and for the afternoon only (that period's figures, nothing else); a serving
 * replay builds the state silently.
 *
 * <p>The log is shared with the other tests of the JVM, so everything is told apart by this run's
 * content and user ids; the grace period is a week, so the synthetic day (two days ago) is not late
 * after the other tests' events of today.
 */
@ExtendWith(RealServices.class)
class ReplayIT {
    private static final int USERS = 80;
    private static final int CONTENTS = 20;

    private record Session(String user, String content, int hour, int steps, boolean completes) {
    }

    @Test
    void aReplayFromTheStartGivesTheLiveFiguresAndAReplayOfAPeriodGivesThatPeriodOnly(KafkaBroker kafka) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        SyncConfig config = config(kafka, run);
        Instant day = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(2));
        List<Session> sessions = sessions(run);
        List<TestTopics.Timed> events = events(sessions, day);
        TestTopics.produceAt(kafka.bootstrapServers(), Topics.DEVICE_EVENTS.name(), events);
        HourlyCounts expected = expectedTotals(sessions);

        // 1. The analytics application as serve runs it, until it has counted the whole day.
        String live = config.analytics().applicationId();
        Properties props = StreamsProperties.of(live, kafka.bootstrapServers(), config.dataDir().resolve("streams"), 2,
                config.commitIntervalMs(), 0);
        props.put(BoundedRocksDb.MEMORY_BYTES_CONFIG, 64L << 20);
        KafkaStreams streams = new KafkaStreams(AnalyticsTopology.build(new StreamsConfig(props),
                config.analyticsSettings(), new AnalyticsCounters()), props);
        try {
            streams.start();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> total(figures(kafka, run).getOrDefault(live, Map.of())).equals(expected));
        } finally {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        }
        Map<String, HourlyCounts> liveFigures = figures(kafka, run).get(live);
        assertThat(liveFigures).hasSizeGreaterThan(24);

        // 2. Replayed from the start into a new application id: the same figures, hour by hour.
        List<long[]> updates = new CopyOnWriteArrayList<>();
        Replay replay = new Replay(config, kafka.bootstrapServers(), Duration.ofMillis(200));
        String again = "it-" + run + "-replay";
        Replay.Result result = replay.run(new Replay.Plan(Replay.Application.ANALYTICS, again, Optional.empty(),
                Optional.empty()), (done, total) -> updates.add(new long[] {done, total}));
        assertThat(figures(kafka, run).get(again)).isEqualTo(liveFigures);
        long[] last = updates.get(updates.size() - 1);
        assertThat(last[0]).as("progress ends with every record done").isEqualTo(last[1]).isEqualTo(result.records());
        assertThat(result.records()).isGreaterThanOrEqualTo(events.size());
        assertThat(result.summary()).anyMatch(l -> l.contains("most started"));

        // 3. The afternoon only: exactly the live figures of the hours from 12:00, and nothing before.
        Instant noon = day.plus(Duration.ofHours(12));
        String afternoon = "it-" + run + "-afternoon";
        replay.run(new Replay.Plan(Replay.Application.ANALYTICS, afternoon, Optional.of(noon),
                Optional.of(day.plus(Duration.ofDays(1)))), (done, total) -> { });
        Map<String, HourlyCounts> expectedAfternoon = new TreeMap<>(liveFigures);
        expectedAfternoon.keySet().removeIf(key -> Instant.parse(key.substring(0, key.indexOf('|'))).isBefore(noon));
        assertThat(expectedAfternoon).isNotEmpty().hasSizeLessThan(liveFigures.size());
        assertThat(figures(kafka, run).get(afternoon)).isEqualTo(expectedAfternoon);

        // 4. Replaying the live application in place (it is stopped) resets it and writes the same figures again.
        long written = records(kafka, run, live);
        replay.run(new Replay.Plan(Replay.Application.ANALYTICS, live, Optional.empty(), Optional.empty()),
                (done, total) -> { });
        assertThat(records(kafka, run, live)).as("figures written again from zero").isGreaterThanOrEqualTo(
                written + liveFigures.size());
        assertThat(figures(kafka, run).get(live)).isEqualTo(liveFigures);
    }

    @Test
    void aServingReplayBuildsTheStateBesideTheRunningApplicationAndWritesNothing(KafkaBroker kafka) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        SyncConfig config = config(kafka, run);
        List<Map.Entry<String, byte[]>> events = new ArrayList<>();
        for (int u = 0; u < 10; u++) {
            ObjectNode e = Json.object();
            e.put("msg_type", "watchlist_update");
            e.put("device_id", "tv");
            e.put("operation", "Add");
            e.put("content_id", "tmdb:" + u);
            events.add(Map.entry("it-" + run + "-u" + u, Json.bytes(e)));
        }
        events.add(Map.entry("it-" + run + "-bad", "not json".getBytes(StandardCharsets.UTF_8)));
        TestTopics.produce(kafka.bootstrapServers(), Topics.DEVICE_EVENTS.name(), events);
        long deltasBefore;
        long deadBefore;
        try (Admin admin = kafka.admin()) {
            deltasBefore = end(admin, Topics.STATE_DELTAS.name());
            deadBefore = end(admin, Topics.DEAD_LETTERS.name());
        }

        String into = "it-" + run + "-serving-v2";
        Replay.Result result = new Replay(config, kafka.bootstrapServers(), Duration.ofMillis(200)).run(
                new Replay.Plan(Replay.Application.SERVING, into, Optional.empty(), Optional.empty()), (d, t) -> { });

        assertThat(result.summary()).anyMatch(l -> l.contains("SYNC_SERVING_APPLICATION_ID=" + into));
        Map<String, byte[]> watchlist = new HashMap<>();
        TopicReader.readCommitted(kafka.bootstrapServers(), into + "-watchlist-changelog")
                .forEach(r -> watchlist.put(new String(r.key(), StandardCharsets.UTF_8), r.value()));
        watchlist.values().removeIf(Objects::isNull);
        assertThat(watchlist.keySet().stream().filter(k -> k.startsWith("it-" + run))).hasSize(10);
        // The summary counts the entries of the state built (the whole shared log's): those the changelog holds.
        assertThat(result.summary()).anyMatch(l -> l.matches("\\s*watchlist\\s+" + String.format(Locale.ROOT, "%,d", watchlist.size())
                + " entries"));
        try (Admin admin = kafka.admin()) {
            assertThat(end(admin, Topics.STATE_DELTAS.name())).as("no delta written").isEqualTo(deltasBefore);
            assertThat(end(admin, Topics.DEAD_LETTERS.name())).as("no dead letter written").isEqualTo(deadBefore);
        }

        // The switch (README): the instance restarts with SYNC_SERVING_APPLICATION_ID=<new id> on the data
        // dir the replay ran on. It opens the rebuilt stores without restoring them, answers reads from
        // them, and goes on with what arrived since the replay.
        Map<String, String> env = new HashMap<>(env(kafka, run, config.dataDir()));
        env.put("SYNC_SERVING_APPLICATION_ID", into);
        env.put("SYNC_ANALYTICS", "off");
        env.put("SYNC_HOST", "127.0.0.1");
        env.put("SYNC_PORT", "0");
        String secret = "replay-it-secret-of-at-least-32-bytes!";
        env.put("SYNC_JWT_SECRET", secret);
        String late = "it-" + run + "-u0";
        try (SyncService switched = SyncService.start(SyncConfig.fromEnv(env))) {
            String base = "http://127.0.0.1:" + switched.httpPort();
            await().atMost(Duration.ofSeconds(60)).until(() -> Http.status(base + "/ready") == 200);
            ObjectNode since = Json.object();
            since.put("msg_type", "watchlist_update");
            since.put("device_id", "tv");
            since.put("operation", "Add");
            since.put("content_id", "tmdb:since");
            TestTopics.produce(kafka.bootstrapServers(), Topics.DEVICE_EVENTS.name(), List.of(Map.entry(late, Json.bytes(since))));
            JwtTokens tokens = new JwtTokens(secret);
            for (int u = 0; u < 10; u++) {
                String user = "it-" + run + "-u" + u;
                List<String> expected = u == 0 ? List.of("tmdb:0", "tmdb:since") : List.of("tmdb:" + u);
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                    var read = Http.call(base + "/api/v1/sync/watchlist", tokens.forUser(user, "phone", Duration.ofHours(1),
                            Instant.now()), null);
                    assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
                    List<String> items = new ArrayList<>();
                    Json.mapper().readTree(read.body()).path("items").forEach(i -> items.add(i.path("content_id").asText()));
                    assertThat(items).containsExactlyInAnyOrderElementsOf(expected);
                });
            }
            assertThat(switched.meters().get("sync.streams.restored.records").tag("streams", "serving")
                    .functionCounter().count()).as("records restored after the switch").isZero();
        }
    }

    @Test
    void aServingReplayNeverTargetsTheRunningApplication(KafkaBroker kafka) throws Exception {
        SyncConfig config = config(kafka, "x");
        Replay replay = new Replay(config, kafka.bootstrapServers(), Duration.ofMillis(200));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> replay.validate(new Replay.Plan(Replay.Application.SERVING,
                config.servingApplicationId(), Optional.empty(), Optional.empty())))
                .hasMessageContaining("beside the running application");
    }

    /** The configuration of a run, with the topics of {@code topics/} in place. */
    private static SyncConfig config(KafkaBroker kafka, String run) throws Exception {
        kafka.ensureServiceTopics();
        return SyncConfig.fromEnv(env(kafka, run, TestDirs.create("replay-it")));
    }

    private static Map<String, String> env(KafkaBroker kafka, String run, java.nio.file.Path dataDir) {
        return Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "SYNC_APPLICATION_ID", "it-" + run,
                "SYNC_DATA_DIR", dataDir.toString(),
                "SYNC_PG", "off",
                "SYNC_STREAM_THREADS", "2",
                "SYNC_ROCKSDB_MEMORY_MB", "64",
                "SYNC_ANALYTICS_GRACE_MS", Long.toString(Duration.ofDays(7).toMillis()),
                "SYNC_ANALYTICS_TRENDING_INTERVAL_MS", "100");
    }

    /** Each user watches three contents at three different hours; a session is 1–5 ten-minute steps, then a stop. */
    private static List<Session> sessions(String run) {
        Random random = new Random(42);
        List<Session> out = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            List<Integer> hours = new ArrayList<>(IntStream.range(0, 24).boxed().toList());
            Collections.shuffle(hours, random);
            for (int s = 0; s < 3; s++) {
                out.add(new Session("it-" + run + "-u" + u, "it-" + run + "-c" + random.nextInt(CONTENTS), hours.get(s),
                        1 + random.nextInt(5), random.nextDouble() < 0.4));
            }
        }
        return out;
    }

    /**
     * The events of the sessions, in time order, each stamped (HLC and record time) at its time: plays at
     * hh:05 + 10 min × i advancing 600 s each, then a stop at 95 % (completed) or 50 % (abandoned). Every
     * fifth event is sent twice.
     */
    private static List<TestTopics.Timed> events(List<Session> sessions, Instant day) {
        List<TestTopics.Timed> out = new ArrayList<>();
        int n = 0;
        for (Session s : sessions) {
            double watched = s.steps() * 600.0;
            double duration = s.completes() ? watched / 0.95 : watched / 0.5;
            for (int i = 0; i <= s.steps(); i++) {
                Instant at = day.plus(Duration.ofHours(s.hour())).plus(Duration.ofMinutes(5 + 10L * i));
                ObjectNode e = Json.object();
                e.put("msg_type", "watch_progress_update");
                e.put("device_id", "tv");
                e.put("content_id", s.content());
                e.put("progress_seconds", i * 600.0);
                e.put("duration_seconds", duration);
                e.put("state", i == s.steps() ? "Stopped" : "Playing");
                e.put("hlc", Long.toString(Hlc.pack(at.toEpochMilli(), 0)));
                TestTopics.Timed record = new TestTopics.Timed(s.user(), Json.bytes(e), at.toEpochMilli());
                out.add(record);
                if (++n % 5 == 0) {
                    out.add(record);
                }
            }
        }
        out.sort(Comparator.comparingLong(TestTopics.Timed::timestamp));
        return out;
    }

    private static HourlyCounts expectedTotals(List<Session> sessions) {
        HourlyCounts total = HourlyCounts.ZERO;
        for (Session s : sessions) {
            total = total.plus(new HourlyCounts(1, s.completes() ? 1 : 0, s.completes() ? 0 : 1, s.steps() * 600_000L));
        }
        return total;
    }

    /** For each application id: the last figures of each {@code hour|content} of this run's contents. */
    private static Map<String, Map<String, HourlyCounts>> figures(KafkaBroker kafka, String run) {
        Map<String, Map<String, HourlyCounts>> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readCommitted(kafka.bootstrapServers(),
                Topics.CONTENT_HOURLY.name())) {
            JsonNode v = Json.parse(r.value());
            if (!v.get("content_id").asText().startsWith("it-" + run + "-")) {
                continue;
            }
            out.computeIfAbsent(v.get("application_id").asText(), a -> new TreeMap<>()).put(
                    new String(r.key(), StandardCharsets.UTF_8),
                    new HourlyCounts(v.get("starts").asLong(), v.get("completions").asLong(), v.get("abandons").asLong(),
                            v.get("watch_time_seconds").decimalValue().movePointRight(3).longValueExact()));
        }
        return out;
    }

    /** How many hourly records {@code app} has written for this run's contents. */
    private static long records(KafkaBroker kafka, String run, String app) {
        return TopicReader.readCommitted(kafka.bootstrapServers(), Topics.CONTENT_HOURLY.name()).stream()
                .map(r -> Json.parse(r.value()))
                .filter(v -> v.get("application_id").asText().equals(app)
                        && v.get("content_id").asText().startsWith("it-" + run + "-"))
                .count();
    }

    private static HourlyCounts total(Map<String, HourlyCounts> figures) {
        return figures.values().stream().reduce(HourlyCounts.ZERO, HourlyCounts::plus);
    }

    private static long end(Admin admin, String topic) throws Exception {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            specs.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(specs).all().get().values().stream().mapToLong(i -> i.offset()).sum();
    }
}
