package io.mediagateway.sync.topology;

import io.mediagateway.sync.deadletter.DeadLetters;
import io.mediagateway.sync.ingest.BroadcastParser;
import io.mediagateway.sync.ingest.RejectedException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead-letters the records of {@code sync.broadcasts} that are not broadcasts (contract §14: bad channel names,
 * missing {@code msg_type}, oversized, a key that is not the channel), once for the cluster: every instance reads the
 * topic to fan broadcasts out to its sessions and skips these, and the PubNub egress does not publish them.
 */
final class BroadcastCheck implements Processor<byte[], byte[], Object, Object> {
    private static final Logger log = LoggerFactory.getLogger(BroadcastCheck.class);

    private final BroadcastParser parser = new BroadcastParser();
    private final boolean silent;
    private ProcessorContext<Object, Object> context;
    private long rejected;

    BroadcastCheck(boolean silent) {
        this.silent = silent;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        try {
            parser.parse(record.value(), record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8));
        } catch (RejectedException e) {
            var m = context.recordMetadata().orElseThrow();
            DeadLetters.Origin origin = new DeadLetters.Origin(m.topic(), m.partition(), m.offset());
            if (!silent) {
                context.forward(new Record<>(record.key(), record.value(), record.timestamp(),
                        DeadLetters.headers(record.headers(), e.reason(), e.getMessage(), origin)), SyncTopology.BROADCAST_DEAD_LETTERS_SINK);
            }
            if (++rejected == 1 || rejected % 1000 == 0) {
                log.warn("Dead letter #{} of {} with reason {}: {} ({}-{}@{})", rejected, m.topic(), e.reason().code(),
                        e.getMessage(), m.topic(), m.partition(), m.offset());
            }
        }
    }
}
