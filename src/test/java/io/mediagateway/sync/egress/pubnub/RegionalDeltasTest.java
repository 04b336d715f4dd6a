package io.mediagateway.sync.egress.pubnub;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.codec.DeltaCodec;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.model.Delta;
import io.mediagateway.sync.model.PreferenceValue;
import io.mediagateway.sync.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** PubNub is one for every region (contract §16): a region publishes the deltas of what was written in it. */
class RegionalDeltasTest {
    private static ConsumerRecord<byte[], byte[]> delta(String region) {
        byte[] json = DeltaCodec.encode(new Delta.Preference("u1", Hlc.pack(1_765_000_000_000L, 0), "tv", "us:0-1-0", "lang",
                new PreferenceValue("\"fr\"")));
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>(Topics.STATE_DELTAS.name(), 0, 1, "u1".getBytes(StandardCharsets.UTF_8), json);
        if (region != null) {
            r.headers().add(Topics.REGION_HEADER, region.getBytes(StandardCharsets.UTF_8));
        }
        return r;
    }

    @Test
    void aRegionPublishesItsOwnDeltas() {
        PubNubSink.Router us = PubNubSink.deltas(Optional.of("us"));

        assertThat(us.route(delta("us"))).isNotNull().extracting(PubNubSink.Route::channel).isEqualTo("user.u1.sync");
        assertThat(us.route(delta("eu"))).as("eu publishes it").isNull();
        assertThat(us.route(delta(null))).as("no header: written before regions were configured").isNotNull();
        assertThat(PubNubSink.DELTAS.route(delta("eu"))).as("without regions, every delta").isNotNull();
    }
}
