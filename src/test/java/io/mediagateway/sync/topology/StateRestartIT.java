package io.mediagateway.sync.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mediagateway.sync.testing.KafkaBroker;
import io.mediagateway.sync.testing.RealServices;
import io.mediagateway.sync.testing.TestDirs;
import io.mediagateway.sync.testing.TestTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An instance restarted on its own state dir under exactly-once resumes from its checkpoints instead of
 * wiping its state and restoring every store from the changelogs — also when no event ever carried a
 * {@code message_id}, so the duplicate window would be empty (see {@code IngestProcessor.markDuplicateWindow}).
 */
@ExtendWith(RealServices.class)
class StateRestartIT {

    @Test
    void aCleanRestartRestoresNothingEvenWithoutMessageIds(KafkaBroker kafka) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String applicationId = "restart-it-" + run;
        Path stateDir = TestDirs.create("restart-it");
        kafka.ensureServiceTopics();
        try (Admin admin = kafka.admin()) {
            List<Map.Entry<String, byte[]>> events = new java.util.ArrayList<>();
            for (int u = 0; u < 24; u++) {
                events.add(Map.entry(run + "-u" + u, ("{\"msg_type\":\"device_join\",\"device_id\":\"tv\",\"device_type\":\"TV\"}")
                        .getBytes(StandardCharsets.UTF_8)));
            }
            TestTopics.produce(kafka.bootstrapServers(), Topics.DEVICE_EVENTS.name(), events);
            long end = endOffsets(admin);

            Restored first = new Restored();
            try (KafkaStreams streams = start(kafka, applicationId, stateDir, first)) {
                await().atMost(Duration.ofSeconds(120)).until(() -> committed(admin, applicationId) >= end);
            }
            assertThat(first.records.get()).as("a fresh state dir has nothing to restore").isZero();

            Restored second = new Restored();
            try (KafkaStreams streams = start(kafka, applicationId, stateDir, second)) {
                await().atMost(Duration.ofSeconds(120)).until(() -> streams.state() == KafkaStreams.State.RUNNING
                        && streams.allLocalStorePartitionLags().getOrDefault(SyncStores.DEVICES, Map.of()).size()
                        == Topics.DEVICE_EVENTS.definition().partitions());
                Thread.sleep(1_000); // a corrupted task is wiped and re-initialised after the first RUNNING
            }
            assertThat(second.records.get()).as("records restored after a clean restart, by store: %s", second.byStore)
                    .isZero();
        }
    }

    private static KafkaStreams start(KafkaBroker kafka, String applicationId, Path stateDir, Restored listener) {
        Properties props = StreamsProperties.of(applicationId, kafka.bootstrapServers(), stateDir, 1,
                StreamsProperties.DEFAULT_COMMIT_INTERVAL_MS, 0);
        KafkaStreams streams = new KafkaStreams(SyncTopology.build(new StreamsConfig(props),
                SyncTopology.Settings.defaults()), props);
        streams.setGlobalStateRestoreListener(listener);
        streams.start();
        return streams;
    }

    private static long endOffsets(Admin admin) throws Exception {
        var partitions = admin.describeTopics(List.of(Topics.DEVICE_EVENTS.name())).allTopicNames().get()
                .get(Topics.DEVICE_EVENTS.name()).partitions();
        Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> specs = new java.util.HashMap<>();
        partitions.forEach(p -> specs.put(new TopicPartition(Topics.DEVICE_EVENTS.name(), p.partition()),
                org.apache.kafka.clients.admin.OffsetSpec.latest()));
        return admin.listOffsets(specs).all().get().values().stream().mapToLong(r -> r.offset()).sum();
    }

    private static long committed(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(e -> e.getKey().topic().equals(Topics.DEVICE_EVENTS.name()))
                .map(Map.Entry::getValue).mapToLong(OffsetAndMetadata::offset).sum();
    }

    private static final class Restored implements StateRestoreListener {
        final AtomicLong records = new AtomicLong();
        final Map<String, Long> byStore = new ConcurrentHashMap<>();

        @Override
        public void onRestoreStart(TopicPartition partition, String storeName, long startingOffset, long endingOffset) {
        }

        @Override
        public void onBatchRestored(TopicPartition partition, String storeName, long batchEndOffset, long numRestored) {
            records.addAndGet(numRestored);
            byStore.merge(storeName, numRestored, Long::sum);
        }

        @Override
        public void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
        }
    }
}
