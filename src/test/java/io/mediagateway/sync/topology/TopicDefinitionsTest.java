package io.mediagateway.sync.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediagateway.sync.topics.Topic;
import io.mediagateway.sync.topics.TopicDefinition;
import io.mediagateway.sync.topics.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code topics/} is the single source of truth: the registry and the files must agree. */
class TopicDefinitionsTest {
    private static final Path TOPICS_DIR = Path.of("topics");

    @Test
    void shouldRegisterExactlyTheTopicsDefinedInTheTopicsDirectory() throws IOException {
        Set<String> files;
        try (Stream<Path> list = Files.list(TOPICS_DIR)) {
            files = list.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".properties"))
                    .map(n -> n.substring(0, n.length() - ".properties".length()))
                    .collect(Collectors.toSet());
        }

        assertThat(Topics.all()).extracting(Topic::name).containsExactlyInAnyOrderElementsOf(files);
        assertThat(files).contains("sync.device-events", "sync.state-deltas", "sync.dead-letters");
    }

    @Test
    void shouldReadTheRegistryFromTheSameFiles() throws IOException {
        for (Topic<?, ?> topic : Topics.all()) {
            Path file = TOPICS_DIR.resolve(topic.name() + ".properties");
            Properties props = new Properties();
            try (Reader in = Files.newBufferedReader(file)) {
                props.load(in);
            }
            assertThat(topic.definition()).isEqualTo(TopicDefinition.parse(file.toString(), props));
        }
    }

    /** The longest a record may stay after it was written, by a topic's settings: retention plus one segment. */
    private static long longestStayMs(java.util.Map<String, String> configs) {
        if (configs.get("cleanup.policy").contains("compact")) {
            return Long.parseLong(configs.get("max.compaction.lag.ms")) + Long.parseLong(configs.get("delete.retention.ms"))
                    + Long.parseLong(configs.get("segment.ms"));
        }
        long retention = Long.parseLong(configs.get("retention.ms"));
        return retention < 0 ? Long.MAX_VALUE : retention + Long.parseLong(configs.get("segment.ms"));
    }

    @Test
    void everyTopicKeyedByUserLetsARecordGoWithinThirtyDaysSoAnErasureReachesTheLog() {
        long thirtyDays = java.time.Duration.ofDays(30).toMillis();
        for (Topic<?, ?> topic : List.of(Topics.DEVICE_EVENTS, Topics.STATE_DELTAS, Topics.NOTIFICATIONS,
                Topics.DEAD_LETTERS, Topics.PUBNUB_INGRESS)) {
            assertThat(longestStayMs(topic.definition().configs())).as(topic.name()).isLessThanOrEqualTo(thirtyDays);
        }
        // The ingest log stays the replay log for three weeks, a delete log (compaction would keep one event a user).
        assertThat(Topics.DEVICE_EVENTS.definition().configs()).containsEntry("retention.ms", "1814400000")
                .containsEntry("cleanup.policy", "delete");
        assertThat(Topics.DEVICE_EVENTS.definition().partitions())
                .isEqualTo(Topics.STATE_DELTAS.definition().partitions());
    }

    @Test
    void everyStoreThatHoldsAUsersDataCompactsItsChangelogWithinTenDays() {
        long tenDays = java.time.Duration.ofDays(10).toMillis();
        for (var builder : SyncStores.builders()) {
            if (builder.name().equals(SyncStores.CLOCK) || builder.name().equals(SyncStores.ERASURES)) {
                continue;   // the task's clock; the record of erasures, which must stay
            }
            java.util.Map<String, String> log = new java.util.HashMap<>(builder.logConfig());
            log.putIfAbsent("cleanup.policy", "compact");
            assertThat(builder.loggingEnabled()).as(builder.name()).isTrue();
            assertThat(longestStayMs(log)).as(builder.name()).isLessThanOrEqualTo(tenDays);
        }
    }

    @Test
    void shouldGiveNotificationsTheIngestLogsPartitionsBecauseBothFeedTheSameTasks() {
        assertThat(Topics.NOTIFICATIONS.definition().partitions())
                .isEqualTo(Topics.DEVICE_EVENTS.definition().partitions());
    }

    @Test
    void shouldRejectADefinitionWithAMissingOrBadField() {
        Properties noPartitions = new Properties();
        noPartitions.setProperty("name", "t");
        noPartitions.setProperty("replication.factor", "1");
        assertThatThrownBy(() -> TopicDefinition.parse("topics/t.properties", noPartitions))
                .hasMessage("topics/t.properties: 'partitions' is required");

        Properties typo = new Properties();
        typo.setProperty("name", "t");
        typo.setProperty("partitions", "3");
        typo.setProperty("replication.factor", "1");
        typo.setProperty("retention.ms", "1");
        assertThatThrownBy(() -> TopicDefinition.parse("topics/t.properties", typo))
                .hasMessageContaining("unknown key 'retention.ms'");

        Properties zero = new Properties();
        zero.setProperty("name", "t");
        zero.setProperty("partitions", "0");
        zero.setProperty("replication.factor", "1");
        assertThatThrownBy(() -> TopicDefinition.parse("topics/t.properties", zero))
                .hasMessageContaining("'partitions' must be ≥ 1, got 0");
    }
}
