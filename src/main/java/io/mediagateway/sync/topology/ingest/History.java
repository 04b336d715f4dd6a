package io.mediagateway.sync.topology.ingest;

import io.mediagateway.sync.codec.DeltaCodec;
import io.mediagateway.sync.model.ChangeCursor;
import io.mediagateway.sync.model.Delta;
import io.mediagateway.sync.topology.HistoryKeys;
import io.mediagateway.sync.topology.HistoryLimits;
import io.mediagateway.sync.topology.SyncStores;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Each user's change history (contract §13): every delta, as {@code sync.state-deltas} carries it, gets the
 * user's next sequence number and its {@code cursor}, and is kept until the history holds more than
 * {@link HistoryLimits#maxChanges()} changes, or — while it is not full — until it is older than
 * {@link HistoryLimits#retentionMs()} (the newest change always stays). So at least the last
 * {@code maxChanges} changes not older than the retention are kept, and never more than {@code maxChanges}.
 *
 * <p>Cost per delta: one write of the change, and once the history is full one delete; never a scan. Where
 * each user's history stands is kept in memory for the users seen lately (a bounded LRU map) and read from
 * the store's first and last entries on a miss — two seeks, once per user — so it costs no store write of
 * its own. The map lives as long as this task's processor: a task closed and opened again (a rebalance, a
 * restore after a crash) starts with an empty one and reads the restored store.
 */
public final class History {
    /** {@link HistoryKeys.Meta#firstAtMs()} when the oldest kept change's time is not known. */
    private static final long UNKNOWN = -1;
    /** Users whose history's bounds are kept in memory per task. */
    static final int CACHED_USERS = 50_000;

    private final KeyValueStore<String, byte[]> store;
    private final HistoryLimits limits;
    private final long applicationSeed;
    private final Map<String, HistoryKeys.Meta> bounds = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, HistoryKeys.Meta> eldest) {
            return size() > CACHED_USERS;
        }
    };

    public History(ProcessorContext<?, ?> context, HistoryLimits limits) {
        this(context, limits, Optional.empty());
    }

    /**
     * In region {@code region} (contract §16): each region numbers a user's changes its own way (the changes of its
     * own log, in its own order), so the region is part of the epoch — a cursor of another region's history, brought
     * by a device that moved, is answered with a reset rather than read against this region's numbers.
     */
    public History(ProcessorContext<?, ?> context, HistoryLimits limits, Optional<String> region) {
        this.store = context.getStateStore(SyncStores.HISTORY);
        this.limits = limits;
        this.applicationSeed = fnv64(context.applicationId() + region.map(r -> "@" + r).orElse(""));
    }

    /**
     * The epoch of a history begun by a change at {@code hlc}: the same whenever this application reprocesses
     * the log, another in an application rebuilt under another id (a blue/green replay), so a cursor of the old
     * state is answered with a reset there rather than read against changes numbered in another order.
     */
    private long epoch(long hlc) {
        long epoch = (applicationSeed ^ hlc) & Long.MAX_VALUE;
        return epoch == 0 ? 1 : epoch;
    }

    private static long fnv64(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /**
     * Deletes the user's whole history (contract §16); the next change begins a new one, under a new epoch, so a
     * cursor of the old one is answered with a reset.
     */
    public int erase(String user) {
        bounds.remove(user);
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.range(HistoryKeys.entry(user, 0), HistoryKeys.entry(user, -1L))) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        keys.forEach(store::delete);
        return keys.size();
    }

    /** Appends a delta of {@code user} recorded at {@code timestamp}; the delta's bytes, with its cursor. */
    public byte[] append(String user, Delta delta, long timestamp) {
        HistoryKeys.Meta meta = bounds.get(user);
        if (meta == null) {
            meta = HistoryKeys.bounds(store, user);
        }
        if (meta == null) {
            // A history begins with its first change; its epoch tells it from any later one (after an erasure)
            // and from another application's (a rebuild).
            meta = new HistoryKeys.Meta(epoch(delta.hlc()), 1, 1, timestamp);
        }
        long seq = meta.nextSeq();
        byte[] bytes = DeltaCodec.encode(delta, new ChangeCursor(meta.epoch(), seq).encode(user));
        store.put(HistoryKeys.entry(user, seq), HistoryKeys.value(timestamp, meta.epoch(), bytes));
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
        bounds.put(user, new HistoryKeys.Meta(meta.epoch(), first, seq + 1, firstAt));
        return bytes;
    }
}
