package io.mediagateway.sync.egress;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Where an {@link EgressLoop} delivers the deltas it reads: PubNub or PostgreSQL. A sink is patient:
 * it retries outages itself, sends what the target refuses for good to the dead-letter topic, and
 * completes a batch only when every record of it is delivered or dead-lettered.
 */
public interface DeltaSink extends AutoCloseable {

    /** Short name, used in metric tags, thread names and logs: {@code postgres}, {@code pubnub}. */
    String name();

    /**
     * Delivers one polled batch, in order per user. The future completes normally once every record is
     * delivered or dead-lettered, exceptionally when {@code cancelled} turned true first (the loop
     * then commits nothing of the batch; it is read again).
     */
    CompletableFuture<Void> deliver(List<ConsumerRecord<byte[], byte[]>> batch, BooleanSupplier cancelled);

    /**
     * Where to start reading newly assigned partitions when the sink keeps its own offsets; partitions
     * left out start from the group's committed offset (or the beginning).
     */
    default Map<TopicPartition, Long> startingOffsets(Collection<TopicPartition> partitions) {
        return Map.of();
    }

    @Override
    default void close() {
    }

    /** Thrown (as the cause of a failed batch) when a batch stopped because it was cancelled. */
    final class Cancelled extends RuntimeException {
        public Cancelled() {
            super("batch cancelled", null, false, false);
        }
    }
}
