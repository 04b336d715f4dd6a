package io.mediagateway.sync.topology;

import static io.mediagateway.sync.topology.TopologyFixture.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.deadletter.DeadLetters;
import io.mediagateway.sync.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Records of {@code sync.broadcasts} that are not broadcasts are dead-lettered once, with their reason (contract §14). */
class BroadcastCheckTest {
    private final TopologyFixture f = new TopologyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void badBroadcastsAreDeadLetteredWithTheirReasonAndGoodOnesPass() {
        f.broadcast("global.announcements", "{\"channel\":\"global.announcements\",\"msg_type\":\"maintenance\",\"text\":\"hi\"}");
        f.broadcast("region.eu-west.updates", "{\"channel\":\"region.eu-west.updates\",\"msg_type\":\"outage\"}");
        f.broadcast("region.eu west.updates", "{\"channel\":\"region.eu west.updates\",\"msg_type\":\"outage\"}");
        f.broadcast("global.announcements", "{\"channel\":\"global.announcements\"}");
        f.broadcast("global.trending", "{\"channel\":\"global.trending\",\"msg_type\":\"trending_update\"}");
        f.broadcast("platform.tizen.catalog", "{\"channel\":\"platform.webos.catalog\",\"msg_type\":\"new\"}");
        f.broadcast("global.announcements", "{\"channel\":\"global.announcements\",\"msg_type\":\"big\",\"text\":\""
                + "x".repeat(31 * 1024) + "\"}");
        f.broadcast("global.announcements", "not json");

        List<TestRecord<byte[], byte[]>> dead = f.deadLetters();
        assertThat(dead).extracting(r -> header(r, DeadLetters.REASON))
                .containsExactly("invalid_field", "missing_field", "invalid_field", "invalid_field", "oversized", "invalid_json");
        assertThat(dead).allSatisfy(r -> assertThat(header(r, DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.BROADCASTS.name()));
        assertThat(dead).extracting(r -> header(r, DeadLetters.MESSAGE))
                .satisfies(m -> assertThat(m.get(0)).contains("channel"))
                .satisfies(m -> assertThat(m.get(1)).contains("msg_type"))
                .satisfies(m -> assertThat(m.get(2)).contains("global.trending"))
                .satisfies(m -> assertThat(m.get(3)).contains("record key"));
        assertThat(new String(dead.get(5).value(), StandardCharsets.UTF_8)).as("the record as it was").isEqualTo("not json");
        assertThat(f.deltas()).isEmpty();
    }
}
