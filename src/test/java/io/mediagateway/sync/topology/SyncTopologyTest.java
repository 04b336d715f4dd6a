package io.mediagateway.sync.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

class SyncTopologyTest {

    @Test
    void oneSubtopologyHoldsBothPathsAndEveryStore() {
        Topology topology = SyncTopology.build(new StreamsConfig(StreamsProperties.of("t", "localhost:9", Path.of("target/t"),
                1, 50, 1)), SyncTopology.Settings.defaults());
        TopologyDescription d = topology.describe();
        System.out.println(d);
        assertThat(d.subtopologies()).hasSize(1);
    }
}
