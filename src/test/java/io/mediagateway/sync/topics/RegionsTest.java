package io.mediagateway.sync.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code SYNC_REGION} and {@code SYNC_PEER_REGIONS} (contract §16), and the names of the peers' remote topics. */
class RegionsTest {

    @Test
    void readsThePeersAndTheirBootstrapServers() {
        Regions r = Regions.parse(Optional.of("us"), Optional.of("eu=kafka-eu-1:9092;kafka-eu-2:9092, ap = kafka-ap:9092"));

        assertThat(r.active()).isTrue();
        assertThat(r.peers()).containsExactly(Map.entry("eu", "kafka-eu-1:9092,kafka-eu-2:9092"),
                Map.entry("ap", "kafka-ap:9092"));
        assertThat(r.inputs("sync.device-events"))
                .containsExactly("sync.device-events", "eu.sync.device-events", "ap.sync.device-events");
    }

    @Test
    void aRegionWithoutPeersReadsOnlyItsOwnTopics() {
        Regions r = Regions.parse(Optional.of("us"), Optional.empty());

        assertThat(r.active()).isFalse();
        assertThat(r.inputs("sync.notifications")).containsExactly("sync.notifications");
        assertThat(r.topicDefinitions()).isEqualTo(Topics.definitions());
        assertThat(Regions.NONE.originOf("sync.device-events")).isEmpty();
    }

    @Test
    void tellsARemoteTopicsRegionAndItsOwnName() {
        Regions r = Regions.parse(Optional.of("eu-west"), Optional.of("eu=a:1"));

        assertThat(r.originOf("eu.sync.device-events")).contains("eu");
        assertThat(r.originOf("sync.device-events")).contains("eu-west");
        assertThat(r.localName("eu.sync.notifications")).isEqualTo("sync.notifications");
        assertThat(r.localName("sync.notifications")).isEqualTo("sync.notifications");
    }

    @Test
    void createsEachPeersRemoteTopicsWithTheSamePartitionsAndTheHeartbeats() {
        Regions r = Regions.parse(Optional.of("us"), Optional.of("eu=a:1"));

        List<TopicDefinition> defs = r.topicDefinitions();
        TopicDefinition own = Topics.DEVICE_EVENTS.definition();
        assertThat(defs).contains(new TopicDefinition("eu.sync.device-events", own.partitions(), own.replicationFactor(),
                own.configs()));
        assertThat(defs).extracting(TopicDefinition::name)
                .contains("eu.sync.notifications", "heartbeats", "sync.state-deltas")
                .contains("eu.sync.broadcasts").doesNotContain("eu.sync.state-deltas", "eu.sync.analytics.trending");
    }

    @Test
    void refusesWhatMirrorMakerCouldNotNameOrThatWouldLoop() {
        assertThatThrownBy(() -> Regions.parse(Optional.empty(), Optional.of("eu=a:1")))
                .hasMessageContaining("this region's name");
        assertThatThrownBy(() -> Regions.parse(Optional.of("us"), Optional.of("us=a:1")))
                .hasMessageContaining("its own peer");
        assertThatThrownBy(() -> Regions.parse(Optional.of("us"), Optional.of("eu=a:1,eu=b:1")))
                .hasMessageContaining("listed twice");
        assertThatThrownBy(() -> Regions.parse(Optional.of("us"), Optional.of("e.u=a:1")))
                .hasMessageContaining("[A-Za-z0-9_-]");
        assertThatThrownBy(() -> Regions.parse(Optional.of("us"), Optional.of("eu")))
                .hasMessageContaining("not name=bootstrap");
        assertThatThrownBy(() -> Regions.parse(Optional.of("sync"), Optional.empty()))
                .hasMessageContaining("sync.device-events");
    }
}
