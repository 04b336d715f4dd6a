package io.mediagateway.sync.app.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.topics.Topics;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** A serving replay from the start refuses a log that retention has trimmed (contract §16 bounds it). */
class TrimmedLogTest {
    private static TopicPartition events(int p) {
        return new TopicPartition(Topics.DEVICE_EVENTS.name(), p);
    }

    @Test
    void aWholeLogIsReplayedAndATrimmedOneIsRefusedSayingWhereItBegins() {
        TopicPartition notifications = new TopicPartition(Topics.NOTIFICATIONS.name(), 0);
        assertThat(Replay.trimmedLog(Map.of(events(0), 0L, events(1), 0L, notifications, 500L)))
                .as("notifications are kept two weeks anyway").isEmpty();
        assertThat(Replay.trimmedLog(Map.of(events(0), 0L, events(1), 1_234L))).hasValueSatisfying(why ->
                assertThat(why).contains("sync.device-events", "1@1234", "--from").doesNotContain("0@"));
    }
}
