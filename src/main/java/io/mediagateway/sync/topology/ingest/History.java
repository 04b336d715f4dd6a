package io.mediagateway.sync.topology.ingest;

import io.mediagateway.sync.codec.DeltaCodec;
import io.mediagateway.sync.model.ChangeCursor;
import io.mediagateway.sync.model.Delta;
import io.mediagateway.sync.topology.HistoryKeys;
import io.mediagateway.sync.topology.HistoryLimits;
import io.mediagateway.sync.topology.SyncStores;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Each user's change history (contract §13): every delta, as {@code sync.state-deltas} carries it, gets the
 * user's next sequence number and its {@code cursor}, and is kept until the history holds more than
 * {@link HistoryLimits#maxChanges()} changes, or — while it is not full — until it is older than
 * {@link HistoryLimits#retentionMs()} (the newest change always stays). So at least the last
 * {@code maxChanges} changes not older than the retention are kept, and never more than {@code maxChanges}.
 * Cost per delta: one read and one write of the user's meta entry, one write of the change, and once the
 * history is full one delete; never a scan.
 */
public final class History {
    /** {@link HistoryKeys.Meta#firstAtMs()} when the oldest kept change's time is not known. */
    private static final long UNKNOWN = -1;

    private final KeyValueStore<String, byte[]> store;
    private final HistoryLimits limits;

    public History(ProcessorContext<?, ?> context, HistoryLimits limits) {
        this.store = context.getStateStore(SyncStores.HISTORY);
        this.limits = limits;
    }

    /** Appends a delta of {@code user} recorded at {@code timestamp}; the delta's bytes, with its cursor. */
    public byte[] append(String user, Delta delta, long timestamp) {
        String metaKey = HistoryKeys.meta(user);
        byte[] stored = store.get(metaKey);
        // A history begins with its first change; its epoch, that change's HLC, tells it from any later one.
        HistoryKeys.Meta meta = stored != null ? HistoryKeys.Meta.decode(stored)
                : new HistoryKeys.Meta(Math.max(1, delta.hlc()), 1, 1, timestamp);
        long seq = meta.nextSeq();
        byte[] bytes = DeltaCodec.encode(delta, new ChangeCursor(meta.epoch(), seq).encode(user));
        store.put(HistoryKeys.entry(user, seq), HistoryKeys.value(timestamp, bytes));
        long first = meta.firstSeq();
        long firstAt = first == seq ? timestamp : meta.firstAtMs();
        if (seq - first + 1 > limits.maxChanges()) {
            // Full: the oldest goes, one per append (more only when the limit was lowered since).
            while (seq - first + 1 > limits.maxChanges()) {
                store.delete(HistoryKeys.entry(user, first));
                first++;
            }
            firstAt = UNKNOWN;
        } else {
            // Not full: the changes older than the retention go (the newest always stays). A history that has
            // been full does not know its oldest change's time without a read, and is bounded by its count.
            long cutoff = timestamp - limits.retentionMs();
            while (first < seq && firstAt != UNKNOWN && firstAt < cutoff) {
                store.delete(HistoryKeys.entry(user, first));
                first++;
                byte[] next = store.get(HistoryKeys.entry(user, first));
                firstAt = next == null ? UNKNOWN : HistoryKeys.recordedAt(next);
            }
        }
        store.put(metaKey, new HistoryKeys.Meta(meta.epoch(), first, seq + 1, firstAt).encode());
        return bytes;
    }
}
