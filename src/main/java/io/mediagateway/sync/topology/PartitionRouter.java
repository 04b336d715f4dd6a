package io.mediagateway.sync.topology;

import io.mediagateway.sync.deadletter.DeadLetters;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Keeps a user in one place whatever partition its records arrive on. Gateways may produce with
 * clients that do not partition by key the way the Java client does (librdkafka defaults to CRC32),
 * so a user's records can land on several partitions of {@code sync.device-events} (or {@code sync.notifications}). A record already
 * on the partition the Java partitioner gives its key (murmur2, the one interactive queries use) is
 * processed where it is; any other goes through a repartition topic ({@code events-by-user}), which
 * puts it there. Records that arrive right pay no extra hop.
 *
 * <p>One class, two instances: {@code direct} passes the well-placed records, the other the rest,
 * tagged with their original partition and offset (deltas and dead letters name the original record).
 */
public final class PartitionRouter implements FixedKeyProcessor<byte[], byte[], byte[]> {
    private final boolean direct;
    private final int partitions;
    private FixedKeyProcessorContext<byte[], byte[]> context;

    PartitionRouter(boolean direct, int partitions) {
        this.direct = direct;
        this.partitions = partitions;
    }

    /** The partition the Java client's default partitioner gives a key (and interactive queries look in). */
    public static int partitionFor(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    @Override
    public void init(FixedKeyProcessorContext<byte[], byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<byte[], byte[]> record) {
        var metadata = context.recordMetadata().orElseThrow();
        // A record without a key cannot be placed: it stays, and ingest dead-letters it.
        boolean wellPlaced = record.key() == null || partitionFor(record.key(), partitions) == metadata.partition();
        if (wellPlaced == direct) {
            if (!direct) {
                Headers h = record.headers();
                h.remove(DeadLetters.ORIGIN_TOPIC);
                h.remove(DeadLetters.ORIGIN_PARTITION);
                h.remove(DeadLetters.ORIGIN_OFFSET);
                h.add(DeadLetters.ORIGIN_TOPIC, metadata.topic().getBytes(StandardCharsets.UTF_8));
                h.add(DeadLetters.ORIGIN_PARTITION, Integer.toString(metadata.partition()).getBytes(StandardCharsets.UTF_8));
                h.add(DeadLetters.ORIGIN_OFFSET, Long.toString(metadata.offset()).getBytes(StandardCharsets.UTF_8));
            }
            context.forward(record);
        }
    }
}
