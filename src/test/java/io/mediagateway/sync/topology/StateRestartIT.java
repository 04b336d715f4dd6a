package io.mediagateway.sync.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.analytics.AnalyticsCounters;
import io.mediagateway.sync.analytics.AnalyticsSettings;
import io.mediagateway.sync.analytics.AnalyticsTopology;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.testing.KafkaBroker;
import io.mediagateway.sync.testing.RealServices;
import io.mediagateway.sync.testing.TestDirs;
import io.mediagateway.sync.testing.TestTopics;
import io.mediagateway.sync.topics.Topics;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.processor.internals.ProcessorStateManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * An instance restarted on its own state dir under exactly-once resumes from its checkpoints instead of
 * wiping its state and restoring every store from the changelogs — also when no event ever carried a
 * {@code message_id}, so the duplicate window ({@code ingest.Duplicates}) is empty.
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
            try (Running running = start(kafka, applicationId, stateDir, first)) {
                KafkaStreams streams = running.streams();
                await().atMost(Duration.ofSeconds(120)).until(() -> committed(admin, applicationId) >= end);
            }
            assertThat(first.records.get()).as("a fresh state dir has nothing to restore").isZero();

            Restored second = new Restored();
            try (Running running = start(kafka, applicationId, stateDir, second)) {
                KafkaStreams streams = running.streams();
                await().atMost(Duration.ofSeconds(120)).until(() -> streams.state() == KafkaStreams.State.RUNNING
                        && streams.allLocalStorePartitionLags().getOrDefault(SyncStores.DEVICES, Map.of()).size()
                        == Topics.DEVICE_EVENTS.definition().partitions());
                Thread.sleep(1_000); // a corrupted task is wiped and re-initialised after the first RUNNING
            }
            assertThat(second.records.get()).as("records restored after a clean restart, by store: %s", second.byStore)
                    .isZero();
        }
    }

    /**
     * Both applications started at the end of the shared log, then given one user's event: most of their
     * tasks never process a record, so the analytics' window store ({@code content-hourly}) holds only the
     * marker written when the task started ({@link WindowMarkers}) and the serving topology's duplicate window
     * (a key-value store) nothing. Restarted, no task is found "corrupted" (a warning and a wipe of the task's
     * state each time, before the markers).
     */
    @Test
    void tasksThatNeverProcessedARecordAreNotWipedOnACleanRestart(KafkaBroker kafka) throws Exception {
        kafka.ensureServiceTopics();
        String run = UUID.randomUUID().toString().substring(0, 8);
        ObjectNode event = Json.object();
        event.put("msg_type", "watch_progress_update");
        event.put("device_id", "tv");
        event.put("content_id", "tmdb:restart-" + run);
        event.put("progress_seconds", 60);
        event.put("duration_seconds", 3600);
        event.put("state", "Playing");
        event.put("hlc", Long.toString(Hlc.pack(System.currentTimeMillis(), 0)));
        for (String topology : List.of("serving", "analytics")) {
            String applicationId = "restart-empty-" + topology + "-" + run;
            Path stateDir = TestDirs.create("restart-empty-it");
            try (Admin admin = kafka.admin(); StateWarnings warnings = new StateWarnings()) {
                try (Running running = start(kafka, applicationId, stateDir, topology, new Restored(), true)) {
                    KafkaStreams streams = running.streams();
                    awaitAllTasksRunning(streams);
                    // "latest" is resolved at the first fetch, which may come after a send: send until one is processed
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ZERO).until(() -> {
                        var sent = TestTopics.produce(kafka.bootstrapServers(), Topics.DEVICE_EVENTS.name(),
                                List.of(Map.entry("restart-user-" + run, Json.bytes(event)))).get(0);
                        TopicPartition tp = new TopicPartition(sent.topic(), sent.partition());
                        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                        while (System.nanoTime() < deadline) {
                            OffsetAndMetadata c = admin.listConsumerGroupOffsets(applicationId)
                                    .partitionsToOffsetAndMetadata().get().get(tp);
                            if (c != null && c.offset() > sent.offset()) {
                                return true;
                            }
                            Thread.sleep(100);
                        }
                        return false;
                    });
                }
                assertThat(warnings.corrupted()).as("%s: tasks wiped on the first start", topology).isEmpty();

                try (Running running = start(kafka, applicationId, stateDir, topology, new Restored(), true)) {
                    KafkaStreams streams = running.streams();
                    awaitAllTasksRunning(streams);
                    Thread.sleep(1_000); // a corrupted task is wiped and re-initialised after the first RUNNING
                }
                assertThat(warnings.corrupted()).as("%s: tasks found corrupted after a clean restart", topology).isEmpty();
            }
        }
    }

    private static void awaitAllTasksRunning(KafkaStreams streams) {
        await().atMost(Duration.ofSeconds(120)).until(() -> streams.state() == KafkaStreams.State.RUNNING
                && streams.metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum()
                >= Topics.DEVICE_EVENTS.definition().partitions());
    }

    /** Kafka Streams' warnings that a task's stores have no committed offset, so it is wiped ("corrupted"). */
    private static final class StateWarnings implements AutoCloseable {
        private final Logger logger = (Logger) LoggerFactory.getLogger(ProcessorStateManager.class);
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        StateWarnings() {
            appender.start();
            logger.addAppender(appender);
        }

        List<String> corrupted() {
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains("did not find checkpoint offsets")).toList();
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
        }
    }

    /** A started application; closed, it leaves the group at once, so its restart does not wait out its session. */
    private record Running(KafkaStreams streams) implements AutoCloseable {
        @Override
        public void close() {
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        }
    }

    private static Running start(KafkaBroker kafka, String applicationId, Path stateDir, Restored listener) {
        return start(kafka, applicationId, stateDir, "serving", listener, false);
    }

    /** @param fromEnd a new application starts at the end of the log instead of its beginning */
    private static Running start(KafkaBroker kafka, String applicationId, Path stateDir, String topology,
                                 Restored listener, boolean fromEnd) {
        Properties props = StreamsProperties.of(applicationId, kafka.bootstrapServers(), stateDir, 1,
                StreamsProperties.DEFAULT_COMMIT_INTERVAL_MS, 0);
        if (fromEnd) {
            props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "latest");
        }
        AnalyticsSettings analytics = AnalyticsSettings.defaults(applicationId, Topics.DEVICE_EVENTS.definition().partitions());
        KafkaStreams streams = new KafkaStreams(topology.equals("serving")
                ? SyncTopology.build(new StreamsConfig(props), SyncTopology.Settings.defaults())
                : AnalyticsTopology.build(new StreamsConfig(props), analytics, new AnalyticsCounters()), props);
        streams.setGlobalStateRestoreListener(listener);
        streams.start();
        return new Running(streams);
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
