package io.mediagateway.sync.topology.ingest;

import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.ingest.IngestEvent;
import io.mediagateway.sync.topology.SyncStores;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The task's Hybrid Logical Clock (contract §2). It lives in a store, and an event without a time is
 * stamped from its record's timestamp, not from the wall clock, so a replay of the log assigns the same
 * HLCs as the first run did.
 */
public final class TaskClock {
    private static final String KEY = "hlc";

    private final KeyValueStore<String, Long> clock;

    public TaskClock(ProcessorContext<?, ?> context) {
        this.clock = context.getStateStore(SyncStores.CLOCK);
    }

    /**
     * The event HLC, and the clock updated with it. {@code regional}: see {@link #stamp(long, boolean)}.
     */
    public long observe(IngestEvent event, long recordTimestamp, boolean regional) {
        return event.hasHlc() ? observe(event.hlc()) : stamp(recordTimestamp, regional);
    }

    /** The clock updated with an HLC the input carries; that HLC. */
    private long observe(long eventHlc) {
        long last = last();
        if (eventHlc > last) {
            clock.put(KEY, eventHlc);
        }
        return eventHlc;
    }

    /**
     * A fresh HLC for input without a time of its own (an event, a notification), from its record's timestamp: above
     * every HLC the task has seen. {@code regional} (a region with peers, contract §16): the record's timestamp with
     * logical 0 and nothing else — each region reads the same record in its own order, among other records, so a
     * stamp that depended on what came before would differ between regions and the CRDTs would not converge.
     * MirrorMaker 2 keeps a record's timestamp, so every region stamps it alike.
     */
    public long stamp(long recordTimestamp, boolean regional) {
        long own = Hlc.pack(Math.max(0L, recordTimestamp), 0);
        long hlc = regional ? own : Math.max(own, last() + 1);
        if (hlc > last()) {
            clock.put(KEY, hlc);
        }
        return hlc;
    }

    private long last() {
        Long stored = clock.get(KEY);
        return stored == null ? 0L : stored;
    }
}
