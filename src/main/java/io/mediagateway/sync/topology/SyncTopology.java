package io.mediagateway.sync.topology;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the service's Kafka Streams topology. The one function that {@code serve} and the tests both call.
 *
 * <p>Foundation stage: the topology consumes {@code sync.device-events} and counts what it sees; the
 * CRDT merge, state stores, deltas and dead letters are added on top of this source.
 */
public final class SyncTopology {
    private static final Logger log = LoggerFactory.getLogger(SyncTopology.class);

    static final String SOURCE = "device-events-source";
    static final String INGEST = "device-events-ingest";

    private SyncTopology() {
    }

    /** {@code config} is the application's streams configuration; the topology reads its per-topology settings. */
    public static Topology build(StreamsConfig config) {
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(config));
        builder.stream(Topics.DEVICE_EVENTS.name(),
                        Consumed.with(Topics.DEVICE_EVENTS.keySerde(), Topics.DEVICE_EVENTS.valueSerde()).withName(SOURCE))
                .foreach((user, value) -> log.debug("event for user {} ({} bytes)", user,
                        value == null ? 0 : value.length), Named.as(INGEST));
        return builder.build();
    }
}
