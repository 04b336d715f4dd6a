package io.mediagateway.sync.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

class SyncTopologyTest {

    @Test
    void shouldReadTheIngestTopicThroughExplicitlyNamedNodes() {
        Topology topology = SyncTopology.build(new StreamsConfig(Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG, "topology-test", StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092")));

        TopologyDescription.Subtopology sub = topology.describe().subtopologies().iterator().next();
        assertThat(sub.nodes()).extracting(TopologyDescription.Node::name)
                .containsExactlyInAnyOrder(SyncTopology.SOURCE, SyncTopology.INGEST);
        TopologyDescription.Source source = (TopologyDescription.Source) sub.nodes().stream()
                .filter(n -> n.name().equals(SyncTopology.SOURCE)).findFirst().orElseThrow();
        assertThat(source.topicSet()).containsExactly(Topics.DEVICE_EVENTS.name());
    }
}
