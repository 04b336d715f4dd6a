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

    @Test
    void shouldKeepTheIngestLogForeverBecauseItIsTheSourceOfTruth() {
        assertThat(Topics.DEVICE_EVENTS.definition().configs()).containsEntry("retention.ms", "-1")
                .containsEntry("cleanup.policy", "delete");
        assertThat(Topics.DEVICE_EVENTS.definition().partitions())
                .isEqualTo(Topics.STATE_DELTAS.definition().partitions());
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
