package io.mediagateway.sync.egress.pubnub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.codec.DeltaCodec;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.deadletter.DeadLetterWriter;
import io.mediagateway.sync.deadletter.DeadLetters;
import io.mediagateway.sync.egress.Backoff;
import io.mediagateway.sync.egress.EgressLoop;
import io.mediagateway.sync.egress.EgressMetrics;
import io.mediagateway.sync.model.Capabilities;
import io.mediagateway.sync.model.Delta;
import io.mediagateway.sync.model.DeviceInfo;
import io.mediagateway.sync.model.Notification;
import io.mediagateway.sync.model.PlaybackPosition;
import io.mediagateway.sync.model.PlaybackState;
import io.mediagateway.sync.model.PreferenceValue;
import io.mediagateway.sync.testing.KafkaBroker;
import io.mediagateway.sync.testing.PubNubStandIn;
import io.mediagateway.sync.testing.RealServices;
import io.mediagateway.sync.testing.TestTopics;
import io.mediagateway.sync.testing.TopicReader;
import io.mediagateway.sync.topics.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The PubNub egress end to end: deltas on a real Kafka topic, an {@link EgressLoop} with its own group,
 * the official PubNub SDK publishing to a local stand-in that speaks PubNub's HTTP API.
 */
@ExtendWith(RealServices.class)
class PubNubSinkIT {
    private static final long T0 = 1_795_000_000_000L;
    private final List<AutoCloseable> open = new ArrayList<>();
    private PubNubStandIn pubnub;

    @BeforeEach
    void standIn() throws Exception {
        pubnub = PubNubStandIn.start();
    }

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        pubnub.close();
    }

    /** Per user, a mix of the sync and devices channels' deltas; ids {@code <user>/<n>} in the order written. */
    static List<Map.Entry<String, byte[]>> deltas(int users, int perUser) {
        return deltas(users, perUser, 4);
    }

    /** Per user, a mix of {@code kinds} kinds of delta (4: sync and devices; 6: notifications too). */
    static List<Map.Entry<String, byte[]>> deltas(int users, int perUser, int kinds) {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        DeviceInfo tv = new DeviceInfo("tv", "tizen", Capabilities.NONE, "1.2.3", "Living room", null, null);
        for (int i = 0; i < perUser; i++) {
            for (int u = 0; u < users; u++) {
                String user = "user-" + u;
                String id = user + "/" + i;
                long hlc = Hlc.pack(T0 + i * 1000L, 0);
                Delta d = switch (i % kinds) {
                    case 0 -> new Delta.Progress(user, hlc, "tv", id, "tmdb:" + i,
                            new PlaybackPosition(i * 10.0, 3600, PlaybackState.PLAYING, "tv", "netflix"));
                    case 1 -> new Delta.Device("device_online", user, hlc, "tv", id, tv, true, null, T0 + i * 1000L);
                    case 2 -> new Delta.Preference(user, hlc, "phone", id, "volume",
                            new PreferenceValue(Integer.toString(i)));
                    case 3 -> new Delta.Device("device_offline", user, hlc, "tv", id, tv, false, "leave", T0);
                    case 4 -> new Delta.NotificationShown(user, hlc, "service:notifications", id, new Notification("n-" + i,
                            user, Notification.Type.CONTENT_EXPIRING, "Leaving soon", "b", Notification.Priority.URGENT,
                            null, "{\"content_id\":\"tmdb:550\"}"), T0 + i * 1000L, false);
                    default -> new Delta.NotificationStatus(Delta.NotificationStatus.READ, user, hlc, "phone", id, "n-" + (i - 1));
                };
                out.add(new AbstractMap.SimpleEntry<>(user, DeltaCodec.encode(d)));
            }
        }
        return out;
    }

    private EgressMetrics metrics;

    private EgressLoop start(KafkaBroker kafka, String topic, String group, Optional<String> cipher, int concurrency) {
        PubNubSink.Connection connection = new PubNubSink.Connection("pub-key", "sub-key", Optional.empty(),
                Optional.of(pubnub.origin()), false, cipher, "egress-test");
        DeadLetterWriter deadLetters = DeadLetterWriter.create(kafka.bootstrapServers(), "test-dead-letters");
        open.add(deadLetters);
        metrics = new EgressMetrics(new SimpleMeterRegistry(), "pubnub");
        PubNubSink sink = new PubNubSink(connection, deadLetters, metrics, new Backoff(Duration.ofMillis(50),
                Duration.ofSeconds(2)), concurrency);
        EgressLoop loop = new EgressLoop(kafka.bootstrapServers(), topic, group, sink, metrics, 500, Duration.ofSeconds(10))
                .start();
        open.add(loop);
        return loop;
    }

    private static String group() {
        return "pubnub-it-" + UUID.randomUUID();
    }

    /** Each user's delta ids in the order the stand-in accepted them, from both channels. */
    private Map<String, List<String>> arrivalsByUser() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (PubNubStandIn.Publish p : pubnub.published()) {
            JsonNode delta = Json.parse(p.message());
            out.computeIfAbsent(delta.path("user_id").asText(), u -> new ArrayList<>()).add(delta.path("delta_id").asText());
        }
        return out;
    }

    private static Map<String, List<String>> writtenByUser(List<Map.Entry<String, byte[]>> written) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : written) {
            out.computeIfAbsent(e.getKey(), u -> new ArrayList<>()).add(Json.parse(e.getValue()).path("delta_id").asText());
        }
        return out;
    }

    @Test
    void publishesEveryDeltaToItsChannelWithItsIdInMetaInOrderPerUser(KafkaBroker kafka) throws Exception {
        String topic = TestTopics.create(kafka, "pubnub-order", 3);
        List<Map.Entry<String, byte[]>> written = deltas(40, 25, 6);
        TestTopics.produce(kafka.bootstrapServers(), topic, written);
        pubnub.latency(Duration.ofMillis(2));

        start(kafka, topic, group(), Optional.empty(), 8);

        await().atMost(Duration.ofSeconds(60)).until(() -> pubnub.published().size() >= written.size());
        Map<String, byte[]> byId = new HashMap<>();
        written.forEach(e -> byId.put(Json.parse(e.getValue()).path("delta_id").asText(), e.getValue()));
        for (PubNubStandIn.Publish p : pubnub.published()) {
            JsonNode message = Json.parse(p.message());
            String id = message.path("delta_id").asText();
            assertThat(message).as("the message is the delta as written").isEqualTo(Json.parse(byId.get(id)));
            assertThat(Json.parse(p.meta())).isEqualTo(Json.parse("{\"delta_id\":\"" + id + "\"}"));
            String user = message.path("user_id").asText();
            String type = message.path("msg_type").asText();
            assertThat(p.channel()).isEqualTo(type.startsWith("device_") ? "user." + user + ".devices"
                    : type.startsWith("notification") ? "user." + user + ".notifications" : "user." + user + ".sync");
        }
        assertThat(pubnub.published()).hasSize(written.size());
        assertThat(arrivalsByUser()).isEqualTo(writtenByUser(written));
        assertThat(metrics.deliveredCount()).isEqualTo(written.size());
        await().atMost(Duration.ofSeconds(10)).until(() -> metrics.lagRecords() == 0);
    }

    @Test
    void aNotificationThatExpiredWhileItWaitedIsNotPublishedAndTheRestAre(KafkaBroker kafka) throws Exception {
        String topic = TestTopics.create(kafka, "pubnub-expired", 1);
        long now = System.currentTimeMillis();
        List<Map.Entry<String, byte[]>> written = new ArrayList<>();
        for (long expires : new long[] {now - 1_000, now + 3_600_000}) {
            Notification n = new Notification("n-" + expires, "alice", Notification.Type.CONTENT_EXPIRING, "Tonight only",
                    "b", Notification.Priority.HIGH, expires, null);
            written.add(new AbstractMap.SimpleEntry<>("alice", DeltaCodec.encode(new Delta.NotificationShown("alice",
                    Hlc.pack(now - 5_000, 0), "service:notifications", "d-" + expires, n, now - 5_000, false))));
        }
        TestTopics.produce(kafka.bootstrapServers(), topic, written);
        start(kafka, topic, group(), Optional.empty(), 1);

        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.lagRecords() == 0 && !pubnub.published().isEmpty());
        assertThat(pubnub.published()).extracting(p -> Json.parse(p.message()).path("notification_id").asText())
                .containsExactly("n-" + (now + 3_600_000));
        assertThat(pubnub.published().get(0).channel()).isEqualTo("user.alice.notifications");
    }

    @Test
    void ridesOutServerErrorsAndThrottlingHonouringRetryAfterAndKeepsTheOrder(KafkaBroker kafka) throws Exception {
        String topic = TestTopics.create(kafka, "pubnub-outage", 3);
        List<Map.Entry<String, byte[]>> written = deltas(10, 20);
        java.util.concurrent.atomic.AtomicLong outageEnds = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicInteger throttled = new java.util.concurrent.atomic.AtomicInteger(6);
        // From the first publish: 500s for 1.5 s, then six 429s asking for 1 s, then service as usual.
        pubnub.script(channel -> {
            outageEnds.compareAndSet(0, System.nanoTime() + Duration.ofMillis(1500).toNanos());
            if (System.nanoTime() < outageEnds.get()) {
                return PubNubStandIn.Answer.error(500);
            }
            return throttled.getAndDecrement() > 0 ? PubNubStandIn.Answer.throttled(1) : null;
        });
        TestTopics.produce(kafka.bootstrapServers(), topic, written);

        start(kafka, topic, group(), Optional.empty(), 4);

        await().atMost(Duration.ofSeconds(60)).until(() -> pubnub.published().size() >= written.size());
        assertThat(pubnub.published()).hasSize(written.size());
        assertThat(arrivalsByUser()).isEqualTo(writtenByUser(written));
        assertThat(pubnub.refused().stream().filter(r -> r.status() == 500)).as("the outage was seen").hasSizeGreaterThan(4);
        assertThat(metrics.retryCount()).isEqualTo(pubnub.refused().size());
        // Every delta refused with a 429 was published again no sooner than its Retry-After.
        Map<String, Long> acceptedAt = pubnub.published().stream().collect(Collectors.toMap(
                p -> Json.parse(p.meta()).path("delta_id").asText(), PubNubStandIn.Publish::atNanos));
        List<PubNubStandIn.Refusal> throttledOnes = pubnub.refused().stream().filter(r -> r.status() == 429).toList();
        assertThat(throttledOnes).hasSize(6);
        for (PubNubStandIn.Refusal r : throttledOnes) {
            String id = Json.parse(r.publish().meta()).path("delta_id").asText();
            assertThat(Duration.ofNanos(acceptedAt.get(id) - r.publish().atNanos()))
                    .as("retry of %s after its 429", id).isGreaterThanOrEqualTo(Duration.ofMillis(990));
        }
    }

    @Test
    void refusedOversizedAndUnreadableDeltasGoToDeadLettersAndTheRestArrive(KafkaBroker kafka) throws Exception {
        kafka.ensureServiceTopics();
        String topic = TestTopics.create(kafka, "pubnub-refused", 2);
        List<Map.Entry<String, byte[]>> written = new ArrayList<>(deltas(3, 8));
        // user-1's sync channel is refused for good (a 403, as for a missing grant); its device deltas are not.
        pubnub.script(channel -> channel.equals("user.user-1.sync") ? PubNubStandIn.Answer.error(403) : null);
        String big = "\"" + "x".repeat(40_000) + "\"";
        written.add(new AbstractMap.SimpleEntry<>("user-2", DeltaCodec.encode(new Delta.Preference("user-2",
                Hlc.pack(T0 + 99_000, 0), "web", "user-2/big", "notes", new PreferenceValue(big)))));
        written.add(new AbstractMap.SimpleEntry<>("user-2", "{not json".getBytes(StandardCharsets.UTF_8)));
        DeviceInfo web = new DeviceInfo("web", "chrome", Capabilities.NONE, "9.0", null, null, null);
        for (int u = 0; u < 3; u++) {
            written.add(new AbstractMap.SimpleEntry<>("user-" + u, DeltaCodec.encode(new Delta.Device("device_online",
                    "user-" + u, Hlc.pack(T0 + 100_000, 0), "web", "user-" + u + "/last", web, true, null, T0 + 100_000))));
        }
        TestTopics.produce(kafka.bootstrapServers(), topic, written);

        start(kafka, topic, group(), Optional.empty(), 4);

        long refusedSync = written.stream().filter(e -> e.getKey().equals("user-1") && isSync(e.getValue())).count();
        await().atMost(Duration.ofSeconds(60)).until(() -> metrics.deadLetterCount() == refusedSync + 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> pubnub.published().size() == written.size() - refusedSync - 2);
        assertThat(arrivalsByUser().get("user-2")).endsWith("user-2/last");
        assertThat(arrivalsByUser().get("user-1")).as("the user's other channel goes on").endsWith("user-1/last")
                .allSatisfy(id -> assertThat(Integer.parseInt(id.substring(7).replace("last", "1")) % 2).isEqualTo(1));

        List<ConsumerRecord<byte[], byte[]>> deadLetters = TopicReader.readCommitted(kafka.bootstrapServers(),
                Topics.DEAD_LETTERS.name()).stream().filter(r -> topic.equals(header(r, DeadLetters.SOURCE_TOPIC))).toList();
        Map<String, Long> reasons = deadLetters.stream().collect(Collectors.groupingBy(r -> header(r, DeadLetters.REASON),
                Collectors.counting()));
        assertThat(reasons).isEqualTo(Map.of("pubnub_rejected", refusedSync, "oversized", 1L, "invalid_delta", 1L));
        ConsumerRecord<byte[], byte[]> oversized = deadLetters.stream()
                .filter(r -> "oversized".equals(header(r, DeadLetters.REASON))).findFirst().orElseThrow();
        assertThat(Json.parse(oversized.value()).path("delta_id").asText()).as("the delta, byte for byte").isEqualTo("user-2/big");
        assertThat(header(oversized, DeadLetters.MESSAGE)).contains("32768");
        assertThat(header(deadLetters.stream().filter(r -> "pubnub_rejected".equals(header(r, DeadLetters.REASON)))
                .findFirst().orElseThrow(), DeadLetters.MESSAGE)).contains("403");
    }

    private static boolean isSync(byte[] delta) {
        String type = Json.parse(delta).path("msg_type").asText();
        return !type.startsWith("device_");
    }

    /** A trending list as the analytics publish it, its record stamped at its {@code window_end}. */
    private static ConsumerRecord<byte[], byte[]> trendingList(String app, String windowEnd, String content, long offset) {
        String list = "{\"application_id\":\"" + app + "\",\"window_end\":\"" + windowEnd
                + "\",\"contents_ranked\":1,\"items\":[{\"rank\":1,\"content_id\":\"" + content + "\",\"starts\":3}]}";
        byte[] value = list.getBytes(StandardCharsets.UTF_8);
        return new ConsumerRecord<>("sync.analytics.trending", 0, offset, java.time.Instant.parse(windowEnd).toEpochMilli(),
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, app.length(), value.length,
                app.getBytes(StandardCharsets.UTF_8), value, new org.apache.kafka.common.header.internals.RecordHeaders(),
                java.util.Optional.empty());
    }

    private PubNubSink trendingSink(Duration interval) {
        PubNubSink.Connection connection = new PubNubSink.Connection("pub-key", "sub-key", Optional.empty(),
                Optional.of(pubnub.origin()), false, Optional.empty(), "egress-test");
        PubNubSink sink = new PubNubSink("trending-pubnub", PubNubSink.trending("live-analytics", interval), connection, null,
                new EgressMetrics(new SimpleMeterRegistry(), "trending-pubnub"), Backoff.DEFAULT, 1);
        open.add(sink);
        return sink;
    }

    @Test
    void trendingListsOfTheLiveApplicationArePublishedAsTrendingUpdatesNewestOfABatchOnlyAndReplaysNever() throws Exception {
        PubNubSink sink = trendingSink(Duration.ofMinutes(1));
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String app = i == 4 ? "live-analytics-replay-1" : "live-analytics";
            batch.add(trendingList(app, "2026-11-21T10:0" + i + ":00Z", "tmdb:" + i, i));
        }
        sink.deliver(batch, () -> false).get(30, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(pubnub.published()).singleElement().satisfies(p -> {
            assertThat(p.channel()).isEqualTo("global.trending");
            assertThat(Json.parse(p.message())).isEqualTo(Json.parse("{\"msg_type\":\"trending_update\",\"items\":"
                    + "[{\"rank\":1,\"content_id\":\"tmdb:3\",\"starts\":3}],\"window_end\":\"2026-11-21T10:03:00Z\"}"));
            assertThat(p.meta()).contains("live-analytics", "2026-11-21T10:03:00Z");
        });
    }

    @Test
    void broadcastsArePublishedOnceEachToTheirChannelInOrderWithTheirMsgTypeAsMeta(KafkaBroker kafka) throws Exception {
        String topic = TestTopics.create(kafka, "pubnub-broadcasts", 2);
        List<Map.Entry<String, byte[]>> written = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String channel = List.of("global.announcements", "region.eu-west.updates", "platform.tizen.catalog").get(i % 3);
            written.add(new AbstractMap.SimpleEntry<>(channel, ("{\"channel\":\"" + channel + "\",\"msg_type\":\"m" + i
                    + "\",\"seq\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
        }
        // Not broadcasts: passed over here (the topology dead-letters them).
        written.add(new AbstractMap.SimpleEntry<>("region.eu-west.updates",
                "{\"channel\":\"platform.tizen.catalog\",\"msg_type\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
        written.add(new AbstractMap.SimpleEntry<>("global.trending",
                "{\"channel\":\"global.trending\",\"msg_type\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
        TestTopics.produce(kafka.bootstrapServers(), topic, written);
        PubNubSink.Connection connection = new PubNubSink.Connection("pub-key", "sub-key", Optional.empty(),
                Optional.of(pubnub.origin()), false, Optional.empty(), "egress-test");
        metrics = new EgressMetrics(new SimpleMeterRegistry(), "broadcasts-pubnub");
        PubNubSink sink = new PubNubSink("broadcasts-pubnub", PubNubSink.BROADCASTS, connection, null, metrics,
                Backoff.DEFAULT, 4);
        open.add(new EgressLoop(kafka.bootstrapServers(), topic, group(), sink, metrics, 500, Duration.ofSeconds(10)).start());

        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.lagRecords() == 0 && pubnub.published().size() >= 30);
        assertThat(pubnub.published()).hasSize(30);
        Map<String, List<Integer>> byChannel = new LinkedHashMap<>();
        for (PubNubStandIn.Publish p : pubnub.published()) {
            JsonNode m = Json.parse(p.message());
            assertThat(m.path("channel").asText()).isEqualTo(p.channel());
            assertThat(Json.parse(p.meta())).isEqualTo(Json.parse("{\"msg_type\":\"" + m.path("msg_type").asText() + "\"}"));
            byChannel.computeIfAbsent(p.channel(), c -> new ArrayList<>()).add(m.path("seq").asInt());
        }
        assertThat(byChannel.keySet()).containsExactlyInAnyOrder("global.announcements", "region.eu-west.updates",
                "platform.tizen.catalog");
        byChannel.values().forEach(seqs -> assertThat(seqs).isSorted().hasSize(10));
    }

    @Test
    void trendingIsPublishedAtMostOncePerIntervalAndTheNewestListAtItsEnd() throws Exception {
        Duration interval = Duration.ofSeconds(2);
        PubNubSink sink = trendingSink(interval);
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            batch.add(trendingList("live-analytics", "2026-11-21T10:0" + i + ":00Z", "tmdb:" + i, i));
        }
        long firstSent = System.nanoTime();
        sink.deliver(batch, () -> false).get(30, java.util.concurrent.TimeUnit.SECONDS);
        // Two more lists within the interval: both wait, the newer replacing the older; the batches complete at once.
        sink.deliver(List.of(trendingList("live-analytics", "2026-11-21T10:59:00Z", "tmdb:59", 4)), () -> false)
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
        sink.deliver(List.of(trendingList("live-analytics", "2026-11-21T11:00:00Z", "tmdb:60", 5)), () -> false)
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(pubnub.published()).extracting(p -> Json.parse(p.message()).path("window_end").asText())
                .containsExactly("2026-11-21T10:03:00Z");

        // At the interval's end the newest list is published, and no other.
        await().atMost(Duration.ofSeconds(30)).until(() -> pubnub.published().size() == 2);
        assertThat(Duration.ofNanos(System.nanoTime() - firstSent)).isGreaterThanOrEqualTo(interval);
        Thread.sleep(interval.toMillis() + 500);
        assertThat(pubnub.published()).extracting(p -> Json.parse(p.message()).path("window_end").asText())
                .containsExactly("2026-11-21T10:03:00Z", "2026-11-21T11:00:00Z");

        // An interval after the last one, a new list goes at once.
        sink.deliver(List.of(trendingList("live-analytics", "2026-11-21T11:01:00Z", "tmdb:61", 6)), () -> false)
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(pubnub.published()).hasSize(3);
    }

    @Test
    void encryptsMessagesWithTheCipherKey(KafkaBroker kafka) throws Exception {
        String topic = TestTopics.create(kafka, "pubnub-cipher", 1);
        List<Map.Entry<String, byte[]>> written = deltas(2, 4);
        TestTopics.produce(kafka.bootstrapServers(), topic, written);

        start(kafka, topic, group(), Optional.of("a-cipher-key"), 2);

        await().atMost(Duration.ofSeconds(30)).until(() -> pubnub.published().size() >= written.size());
        var crypto = PubNubSink.cryptoModule("a-cipher-key");
        Set<JsonNode> decrypted = pubnub.published().stream().map(p -> {
            JsonNode message = Json.parse(p.message());
            assertThat(message.isTextual()).as("an encrypted message is a base64 string").isTrue();
            byte[] plain = crypto.decrypt(Base64.getDecoder().decode(message.asText()));
            return Json.parse(plain);
        }).collect(Collectors.toSet());
        assertThat(decrypted).isEqualTo(written.stream().map(e -> Json.parse(e.getValue())).collect(Collectors.toSet()));
    }

    @Test
    void withUserKeysEachUsersDeltasAreEncryptedWithThatUsersKeyAndBroadcastsWithTheSharedOne() throws Exception {
        UserCipherKeys keys = new UserCipherKeys("user-keys-secret", Optional.empty());
        PubNubSink.Connection connection = new PubNubSink.Connection("pub-key", "sub-key", Optional.empty(),
                Optional.of(pubnub.origin()), false, Optional.of("shared-key"), "egress-test", Optional.of(keys));
        metrics = new EgressMetrics(new SimpleMeterRegistry(), "pubnub");
        List<Map.Entry<String, byte[]>> written = deltas(2, 3);
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : written) {
            batch.add(new ConsumerRecord<>("deltas", 0, batch.size(), e.getKey().getBytes(StandardCharsets.UTF_8), e.getValue()));
        }
        try (PubNubSink sink = new PubNubSink(connection, null, metrics, Backoff.DEFAULT, 2);
             PubNubSink broadcasts = new PubNubSink("broadcasts-pubnub", PubNubSink.BROADCASTS, connection, null, metrics,
                     Backoff.DEFAULT, 1)) {
            sink.deliver(batch, () -> false).get(30, java.util.concurrent.TimeUnit.SECONDS);
            broadcasts.deliver(List.of(new ConsumerRecord<>("broadcasts", 0, 0,
                    "global.announcements".getBytes(StandardCharsets.UTF_8),
                    "{\"channel\":\"global.announcements\",\"msg_type\":\"announcement\",\"text\":\"hi\"}"
                            .getBytes(StandardCharsets.UTF_8))), () -> false).get(30, java.util.concurrent.TimeUnit.SECONDS);
        }

        assertThat(pubnub.published()).hasSize(written.size() + 1);
        for (PubNubStandIn.Publish p : pubnub.published()) {
            byte[] sealed = Base64.getDecoder().decode(Json.parse(p.message()).asText());
            if (p.channel().equals("global.announcements")) {
                assertThat(Json.parse(PubNubSink.cryptoModule("shared-key").decrypt(sealed)).path("text").asText()).isEqualTo("hi");
                continue;
            }
            String user = p.channel().split("\\.")[1];
            JsonNode delta = Json.parse(PubNubSink.cryptoModule(keys.cipherKey(user)).decrypt(sealed));
            assertThat(delta.path("user_id").asText()).isEqualTo(user);
            String other = user.equals("user-0") ? "user-1" : "user-0";
            assertThat(opens(keys.cipherKey(other), sealed)).as("another user's key").isFalse();
            assertThat(opens("shared-key", sealed)).as("the shared key").isFalse();
        }
    }

    @Test
    void anErasureDeletesTheHistoryOfTheUsersChannelsThenTellsTheDevices() throws Exception {
        PubNubSink.Connection connection = new PubNubSink.Connection("pub-key", "sub-key", Optional.of("sec-key"),
                Optional.of(pubnub.origin()), false, Optional.empty(), "egress-test");
        metrics = new EgressMetrics(new SimpleMeterRegistry(), "pubnub");
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : deltas(2, 4)) {
            batch.add(new ConsumerRecord<>("deltas", 0, batch.size(), e.getKey().getBytes(StandardCharsets.UTF_8), e.getValue()));
        }
        batch.add(new ConsumerRecord<>("deltas", 0, batch.size(), "user-0".getBytes(StandardCharsets.UTF_8),
                DeltaCodec.encode(new Delta.UserErased("user-0", Hlc.pack(T0 + 60_000, 0), "service:privacy", "0-99-0"))));
        try (PubNubSink sink = new PubNubSink(connection, null, metrics, Backoff.DEFAULT, 2)) {
            sink.deliver(batch, () -> false).get(30, java.util.concurrent.TimeUnit.SECONDS);
        }

        assertThat(pubnub.historyDeletes()).containsExactly("user.user-0.sync", "user.user-0.devices",
                "user.user-0.notifications");
        assertThat(pubnub.historyOf("user.user-0.sync")).singleElement().satisfies(m ->
                assertThat(Json.parse(m).path("msg_type").asText()).isEqualTo("user_erased"));
        assertThat(pubnub.historyOf("user.user-0.devices")).isEmpty();
        assertThat(pubnub.historyOf("user.user-1.sync")).as("another user's history stays").isNotEmpty();
        assertThat(metrics.deliveredCount()).isEqualTo(batch.size());
    }

    /** Whether {@code cipherKey} turns {@code sealed} into JSON (a wrong key: a crypto error, or noise). */
    private static boolean opens(String cipherKey, byte[] sealed) {
        try {
            Json.parse(PubNubSink.cryptoModule(cipherKey).decrypt(sealed));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void commitsOnlyWhatPubNubAcceptedAndAReplayRepeatsOnlyTheSameDeltaIds(KafkaBroker kafka) throws Exception {
        String topic = TestTopics.create(kafka, "pubnub-replay", 2);
        List<Map.Entry<String, byte[]>> written = deltas(5, 6);
        TestTopics.produce(kafka.bootstrapServers(), topic, written);
        String group = group();
        pubnub.script(channel -> PubNubStandIn.Answer.error(503));

        EgressLoop down = start(kafka, topic, group, Optional.empty(), 4);
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.retryCount() >= 5);
        down.close();
        open.remove(down);
        Map<TopicPartition, OffsetAndMetadata> committed;
        try (Admin admin = kafka.admin()) {
            committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        }
        assertThat(committed.values().stream().filter(o -> o != null && o.offset() > 0)).as("nothing accepted, nothing committed").isEmpty();

        pubnub.script(channel -> null);
        start(kafka, topic, group, Optional.empty(), 4);
        await().atMost(Duration.ofSeconds(30)).until(() -> pubnub.published().size() >= written.size());
        assertThat(arrivalsByUser()).isEqualTo(writtenByUser(written));
        Map<String, String> first = pubnub.published().stream().collect(Collectors.toMap(
                p -> Json.parse(p.meta()).path("delta_id").asText(), PubNubStandIn.Publish::message));

        // A second group reads the topic from offset 0: the same deltas again, with the same ids.
        start(kafka, topic, group(), Optional.empty(), 4);
        await().atMost(Duration.ofSeconds(30)).until(() -> pubnub.published().size() >= 2 * written.size());
        Map<String, List<String>> again = new HashMap<>();
        pubnub.published().forEach(p -> again.computeIfAbsent(Json.parse(p.meta()).path("delta_id").asText(),
                k -> new ArrayList<>()).add(p.message()));
        assertThat(again.keySet()).isEqualTo(first.keySet());
        again.forEach((id, messages) -> assertThat(messages).as(id).hasSize(2).containsOnly(first.get(id)));
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
