package io.mediagateway.sync.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.topics.Topics;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

class SyncTopologyTest {

    private static Topology build() {
        // Built with ensure.explicit.internal.resource.naming=true: a generated name would throw here.
        return SyncTopology.build(new StreamsConfig(StreamsProperties.of("t", "localhost:9", Path.of("target/t"), 1, 50, 1)),
                SyncTopology.Settings.defaults());
    }

    @Test
    void everyRouteOfBothInputsMeetsInOneSubtopologyThatHoldsEveryStore() {
        TopologyDescription d = build().describe();
        assertThat(d.subtopologies()).as("the ingest, and the broadcast check").hasSize(2);
        TopologyDescription.Subtopology sub = d.subtopologies().stream()
                .filter(s -> s.nodes().stream().anyMatch(n -> n.name().equals(SyncTopology.INGEST))).findFirst().orElseThrow();
        TopologyDescription.Subtopology check = d.subtopologies().stream().filter(s -> s != sub).findFirst().orElseThrow();
        assertThat(check.nodes()).extracting(TopologyDescription.Node::name).containsExactlyInAnyOrder(
                SyncTopology.BROADCASTS_SOURCE, SyncTopology.BROADCAST_CHECK, SyncTopology.BROADCAST_DEAD_LETTERS_SINK);
        TopologyDescription.Processor ingest = sub.nodes().stream()
                .filter(n -> n.name().equals(SyncTopology.INGEST)).map(TopologyDescription.Processor.class::cast)
                .findFirst().orElseThrow();
        assertThat(ingest.stores()).containsExactlyInAnyOrder(SyncStores.WATCHLIST, SyncStores.PROGRESS,
                SyncStores.PREFERENCES, SyncStores.DEVICES, SyncStores.NOW_PLAYING, SyncStores.PRESENCE_INDEX,
                SyncStores.MESSAGE_IDS, SyncStores.CLOCK, SyncStores.HISTORY, SyncStores.NOTIFICATIONS, SyncStores.ERASURES);
        List<String> sources = sub.nodes().stream().filter(n -> n instanceof TopologyDescription.Source)
                .map(n -> ((TopologyDescription.Source) n).topicSet().iterator().next()).sorted().toList();
        assertThat(sources).containsExactly(SyncTopology.EVENTS_BY_USER + "-repartition",
                SyncTopology.NOTIFICATIONS_BY_USER + "-repartition", Topics.DEVICE_EVENTS.name(), Topics.NOTIFICATIONS.name());
        List<String> sinks = sub.nodes().stream().filter(n -> n instanceof TopologyDescription.Sink)
                .map(n -> ((TopologyDescription.Sink) n).topic()).sorted().toList();
        assertThat(sinks).containsExactly(SyncTopology.EVENTS_BY_USER + "-repartition",
                SyncTopology.NOTIFICATIONS_BY_USER + "-repartition", Topics.DEAD_LETTERS.name(), Topics.STATE_DELTAS.name());
    }

    @Test
    void theStreamsConfigurationIsExactlyOnceWithTheHandlers() {
        StreamsConfig config = new StreamsConfig(StreamsProperties.of("t", "localhost:9", Path.of("target/t"), 2, 50, 1));
        assertThat(config.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(config.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).as("a backlog's commits")
                .isEqualTo(StreamsProperties.BACKLOG_COMMIT_INTERVAL_MS);
        assertThat(StreamsProperties.caughtUpCommitInterval(config.originals())).as("a task that keeps up")
                .isEqualTo(java.time.Duration.ofMillis(50));
        assertThat(config.getInt(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo(1);
        assertThat(config.getBoolean(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG)).isTrue();
        assertThat(config.deserializationExceptionHandler()).isInstanceOf(ExceptionHandlers.Deserialization.class);
        assertThat(config.processingExceptionHandler()).isInstanceOf(ExceptionHandlers.Processing.class);
        assertThat(config.productionExceptionHandler()).isInstanceOf(ExceptionHandlers.Production.class);
    }

    @Test
    void misplacedKeysAreThoseTheJavaPartitionerSendsElsewhere() {
        // The murmur2 partition of these keys, as the Java producer and interactive queries compute it.
        assertThat(PartitionRouter.partitionFor("alice".getBytes(), 12)).isBetween(0, 11);
        long spread = java.util.stream.IntStream.range(0, 200)
                .map(i -> PartitionRouter.partitionFor(("user-" + i).getBytes(), 12)).distinct().count();
        assertThat(spread).isEqualTo(12);
    }
}
