package io.mediagateway.sync.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.codec.StateCodec;
import io.mediagateway.sync.crdt.LwwRegister;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.crdt.Stamp;
import io.mediagateway.sync.ingest.EventParser;
import io.mediagateway.sync.ingest.IngestEvent;
import io.mediagateway.sync.model.PlaybackPosition;
import io.mediagateway.sync.model.UserState;
import io.mediagateway.sync.testing.KafkaBroker;
import io.mediagateway.sync.testing.Ports;
import io.mediagateway.sync.testing.RealServices;
import io.mediagateway.sync.testing.ServiceProcess;
import io.mediagateway.sync.testing.TestDirs;
import io.mediagateway.sync.testing.TopicReader;
import io.mediagateway.sync.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Exactly once, for real: the packaged service in a child JVM on the real broker processes a stream of
 * generated events, is killed with SIGKILL mid-stream, and restarts on the same state dir. The
 * committed output must then hold every delta id once, the stores (read back from their changelogs, as
 * a restore would) must equal a reference model computed alongside with the CRDT core, and every bad
 * record must be dead-lettered exactly once.
 */
@ExtendWith(RealServices.class)
class ExactlyOnceIT {
    private static final int EVENTS = 6000;

    @Test
    void aKilledInstanceRestartsWithoutLosingOrDuplicatingAnything(KafkaBroker kafka) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String applicationId = "eos-it-" + run;
        Path dataDir = TestDirs.create("eos-it");
        int http = Ports.free();
        Map<String, String> env = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "SYNC_PG", "off",
                "SYNC_APPLICATION_ID", applicationId,
                "SYNC_DATA_DIR", dataDir.toString(),
                "SYNC_HOST", "127.0.0.1",
                "SYNC_PORT", Integer.toString(http),
                "SYNC_STREAM_THREADS", "2",
                "SYNC_ANALYTICS", "off",
                "SYNC_STANDBY_REPLICAS", "0");
        // Users unique to this run: other tests share the topics.
        List<Workload.Event> log = Workload.generate(11, System.currentTimeMillis(), 50, EVENTS, 2,
                new Workload.Mix(true, false, true)).stream()
                .map(e -> new Workload.Event(run + "-" + e.user(), e.value(), e.atMs(), e.bad())).toList();

        Map<TopicPartition, Long> lastOffsets = new HashMap<>();
        AtomicInteger sent = new AtomicInteger();
        try (ServiceProcess first = ServiceProcess.start(env, dataDir.resolve("first.log"), "serve");
             Admin admin = kafka.admin()) {
            first.awaitReady(http, Duration.ofSeconds(120));
            // The application is new and the log shared: it first catches up with the other tests' records.
            long logBefore = endOfLog(admin);
            await().atMost(Duration.ofSeconds(120)).until(() -> committedOnLog(admin, applicationId) >= logBefore);
            CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produce(kafka, log, sent, lastOffsets));
            // Kill it in the middle: after it has committed some of the stream, long before the end.
            await().atMost(Duration.ofSeconds(60)).until(() -> committedOnLog(admin, applicationId) - logBefore > EVENTS / 10);
            int sentAtKill = sent.get();
            first.close();
            assertThat(sentAtKill).as("killed mid-stream").isLessThan(EVENTS);
            producing.get();
        }

        try (ServiceProcess second = ServiceProcess.start(env, dataDir.resolve("second.log"), "serve");
             Admin admin = kafka.admin()) {
            second.awaitReady(http, Duration.ofSeconds(120));
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> processedAll(admin, applicationId, lastOffsets));
            assertThat(second.output()).doesNotContain("Dead letter #1 with reason processing_error");
        }

        // No delta twice in the committed output.
        List<ConsumerRecord<byte[], byte[]>> deltas = ours(TopicReader.readCommitted(kafka.bootstrapServers(),
                Topics.STATE_DELTAS.name()), run);
        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> d : deltas) {
            String id = Json.parse(d.value()).path("delta_id").asText();
            assertThat(ids.add(id)).as("delta_id %s appears twice", id).isTrue();
        }
        assertThat(deltas).hasSizeGreaterThan(EVENTS / 3);

        // Every bad record dead-lettered once.
        List<ConsumerRecord<byte[], byte[]>> dead = ours(TopicReader.readCommitted(kafka.bootstrapServers(),
                Topics.DEAD_LETTERS.name()), run);
        long bad = log.stream().filter(Workload.Event::bad).count();
        assertThat(bad).isPositive();
        assertThat(dead).hasSize((int) bad);

        // The stores, as their changelogs hold them, equal the reference model.
        Reference reference = Reference.of(log);
        assertSameState(SyncStores.WATCHLIST, changelog(kafka, applicationId, SyncStores.WATCHLIST, run), reference.watchlist);
        assertSameState(SyncStores.PROGRESS, changelog(kafka, applicationId, SyncStores.PROGRESS, run), reference.progress);
        assertSameState(SyncStores.PREFERENCES, changelog(kafka, applicationId, SyncStores.PREFERENCES, run), reference.preferences);
    }

    private static void assertSameState(String store, Map<String, String> actual, Map<String, String> expected) {
        List<String> differences = new ArrayList<>();
        Set<String> keys = new java.util.TreeSet<>(actual.keySet());
        keys.addAll(expected.keySet());
        for (String key : keys) {
            if (!java.util.Objects.equals(actual.get(key), expected.get(key))) {
                differences.add(key.replace('\0', '/') + "\n  store:     " + actual.get(key) + "\n  reference: "
                        + expected.get(key));
            }
        }
        assertThat(differences).as("%s: %d of %d keys differ", store, differences.size(), keys.size()).isEmpty();
        assertThat(actual).isNotEmpty();
    }

    private static void produce(KafkaBroker kafka, List<Workload.Event> log, AtomicInteger sent,
                                Map<TopicPartition, Long> lastOffsets) {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> pending = new ArrayList<>();
            long start = System.nanoTime();
            for (Workload.Event e : log) {
                // About 600 events a second: the kill lands mid-stream.
                while ((System.nanoTime() - start) / 1_000_000 < sent.get() / 0.6) {
                    Thread.onSpinWait();
                }
                pending.add(producer.send(new ProducerRecord<>(Topics.DEVICE_EVENTS.name(), e.user(), e.value())));
                sent.incrementAndGet();
            }
            // get() surfaces a failed send; flush() alone would not.
            for (var future : pending) {
                var meta = future.get();
                lastOffsets.merge(new TopicPartition(meta.topic(), meta.partition()), meta.offset(), Math::max);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The group's committed offsets on {@code sync.device-events}, summed over its partitions. */
    private static long committedOnLog(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(e -> e.getKey().topic().equals(Topics.DEVICE_EVENTS.name()))
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    /** The end offsets of {@code sync.device-events}, summed over its partitions. */
    private static long endOfLog(Admin admin) throws Exception {
        Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> specs = new HashMap<>();
        for (int p = 0; p < Topics.DEVICE_EVENTS.definition().partitions(); p++) {
            specs.put(new TopicPartition(Topics.DEVICE_EVENTS.name(), p), org.apache.kafka.clients.admin.OffsetSpec.latest());
        }
        return admin.listOffsets(specs).all().get().values().stream().mapToLong(i -> i.offset()).sum();
    }

    private static boolean processedAll(Admin admin, String group, Map<TopicPartition, Long> lastOffsets) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        return lastOffsets.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                && committed.get(e.getKey()).offset() > e.getValue());
    }

    private static List<ConsumerRecord<byte[], byte[]>> ours(List<ConsumerRecord<byte[], byte[]>> records, String run) {
        return records.stream().filter(r -> r.key() != null
                && new String(r.key(), StandardCharsets.UTF_8).startsWith(run + "-")).toList();
    }

    /** The store's contents as its changelog holds them: the last committed value per key, tombstones removing. */
    private static Map<String, String> changelog(KafkaBroker kafka, String applicationId, String store, String run) {
        Map<String, String> state = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readCommitted(kafka.bootstrapServers(),
                applicationId + "-" + store + "-changelog")) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            if (!key.startsWith(run + "-")) {
                continue;
            }
            if (r.value() == null) {
                state.remove(key);
            } else {
                state.put(key, new String(r.value(), StandardCharsets.UTF_8));
            }
        }
        return state;
    }

    /** The expected stores, from the CRDT core applied to the valid events in order (per user, as Kafka keeps them). */
    private static final class Reference {
        final Map<String, String> watchlist = new TreeMap<>();
        final Map<String, String> progress = new TreeMap<>();
        final Map<String, String> preferences = new TreeMap<>();

        static Reference of(List<Workload.Event> log) {
            EventParser parser = new EventParser();
            StateCodec codec = new StateCodec(OrElement.Policy.DEFAULT);
            Map<String, UserState> users = new TreeMap<>();
            Set<String> messageIds = new HashSet<>();
            for (Workload.Event e : log) {
                if (e.bad()) {
                    continue;
                }
                IngestEvent event = parser.parse(e.value());
                if (event.messageId() != null && !messageIds.add(e.user() + "/" + event.messageId())) {
                    continue; // a repeated message_id is a no-op (the run is far shorter than the window)
                }
                Stamp stamp = new Stamp(event.hlc(), event.deviceId());
                UserState s = users.getOrDefault(e.user(), UserState.EMPTY);
                IngestEvent.Payload p = event.payload();
                if (p instanceof IngestEvent.WatchlistAdd add) {
                    s = s.addToWatchlist(add.contentId(), add.uniqueTag(), stamp, add.metadata(), OrElement.Policy.DEFAULT);
                } else if (p instanceof IngestEvent.WatchlistRemove remove) {
                    s = s.removeFromWatchlist(remove.contentId(), remove.observedTags(), stamp, OrElement.Policy.DEFAULT);
                } else if (p instanceof IngestEvent.ProgressWrite write) {
                    s = s.writeProgress(write.contentId(), LwwRegister.of(write.position(), stamp));
                } else if (p instanceof IngestEvent.ProgressRemove remove) {
                    s = s.writeProgress(remove.contentId(), LwwRegister.of(PlaybackPosition.REMOVED, stamp));
                } else if (p instanceof IngestEvent.PreferenceWrite write) {
                    s = s.writePreference(write.key(), LwwRegister.of(write.value(), stamp));
                }
                users.put(e.user(), s);
            }
            Reference r = new Reference();
            users.forEach((user, s) -> {
                s.watchlist().forEach((c, el) -> r.watchlist.put(UserKeys.key(user, c),
                        new String(codec.encodeElement(el), StandardCharsets.UTF_8)));
                s.progress().forEach((c, reg) -> r.progress.put(UserKeys.key(user, c),
                        new String(codec.encodeProgress(reg), StandardCharsets.UTF_8)));
                s.preferences().forEach((k, reg) -> r.preferences.put(UserKeys.key(user, k),
                        new String(codec.encodePreference(reg), StandardCharsets.UTF_8)));
            });
            return r;
        }
    }
}
