package io.mediagateway.sync.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsPropertiesTest {
    private static Object pollMs(long commitIntervalMs) {
        return StreamsProperties.of("app", "localhost:9092", Path.of("state"), 1, commitIntervalMs, 0)
                .get(StreamsConfig.POLL_MS_CONFIG);
    }

    @Test
    void anIdleStreamThreadWakesAtHalfTheCommitIntervalSoALoneWriteCommitsWithoutWaitingForTheDefault100Ms() {
        assertThat(pollMs(StreamsProperties.DEFAULT_COMMIT_INTERVAL_MS)).isEqualTo(10L);
        assertThat(pollMs(1)).isEqualTo(1L);
        assertThat(pollMs(1_000)).as("never longer than Kafka Streams' own default").isEqualTo(100L);
    }

    @Test
    void theStreamThreadsProducersRetryAfter10MsNot100SoABusyTransactionCoordinatorDoesNotStallACommitBy100Ms() {
        var producer = new StreamsConfig(StreamsProperties.of("app", "localhost:9092", Path.of("state"), 1, 20, 0))
                .getProducerConfigs("client");
        assertThat(producer.get(ProducerConfig.RETRY_BACKOFF_MS_CONFIG)).isEqualTo(10L);
    }

    @Test
    void kafkaStreamsCommitsABacklogEvery200MsAndTheTasksThatKeepUpAskEveryConfiguredInterval() {
        var props = StreamsProperties.of("app", "localhost:9092", Path.of("state"), 1, 20, 0);
        assertThat(props.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(200L);
        assertThat(StreamsProperties.caughtUpCommitInterval(new StreamsConfig(props).originals()))
                .isEqualTo(java.time.Duration.ofMillis(20));
        var slow = StreamsProperties.of("app", "localhost:9092", Path.of("state"), 1, 1_000, 0);
        assertThat(slow.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).as("never shorter than the configured interval")
                .isEqualTo(1_000L);
        assertThat(StreamsProperties.caughtUpCommitInterval(java.util.Map.of())).as("a test driver's configuration")
                .isEqualTo(java.time.Duration.ofMillis(StreamsProperties.DEFAULT_COMMIT_INTERVAL_MS));
    }
}
