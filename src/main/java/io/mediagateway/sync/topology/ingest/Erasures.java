package io.mediagateway.sync.topology.ingest;

import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.crdt.Stamp;
import io.mediagateway.sync.model.Delta;
import io.mediagateway.sync.topology.SyncStores;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Erasing a user (contract §16): a {@code user_erase} event deletes everything the task holds of the user — items,
 * devices and their presence entries, notifications, the change history, the remembered {@code message_id}s — and
 * keeps one thing, the erasure's HLC ({@link SyncStores#ERASURES}). Every later record of the user's that carries a
 * time at or before it (an event's HLC, a notification's record time) is passed over, so neither a late event nor a
 * replay of the log brings the user's data back; what comes after it is a new beginning. The deletes are tombstones
 * in the stores' changelogs, which compaction then removes.
 */
public final class Erasures {
    private static final Logger log = LoggerFactory.getLogger(Erasures.class);

    private final KeyValueStore<String, Long> erased;
    private final UserStores stores;
    private final NotificationSteps notifications;
    private final History history;
    private final Duplicates duplicates;

    public Erasures(ProcessorContext<?, ?> context, UserStores stores, NotificationSteps notifications, History history,
                    Duplicates duplicates) {
        this.erased = context.getStateStore(SyncStores.ERASURES);
        this.stores = stores;
        this.notifications = notifications;
        this.history = history;
        this.duplicates = duplicates;
    }

    /** Whether the user was erased at or after {@code hlc}: a record of that time is the erased user's. */
    public boolean covers(String user, long hlc) {
        Long at = erased.get(user);
        return at != null && hlc <= at;
    }

    /** Whether a record written at {@code recordTimeMs} (without an HLC of its own) came before the user's erasure. */
    public boolean coversRecordTime(String user, long recordTimeMs) {
        Long at = erased.get(user);
        return at != null && recordTimeMs <= Hlc.physicalMs(at);
    }

    /** Erases the user as of {@code stamp}, then emits {@code user_erased} (the first change of a new history). */
    public void erase(Deltas out, Stamp stamp) {
        String user = out.user;
        int entries = stores.erase(user) + notifications.erase(user) + history.erase(user) + duplicates.erase(user);
        Long before = erased.get(user);
        erased.put(user, before == null ? stamp.hlc() : Math.max(before, stamp.hlc()));
        log.info("User {} erased at HLC {}: {} entries deleted", user, stamp.hlc(), entries);
        out.emit(new Delta.UserErased(user, stamp.hlc(), stamp.deviceId(), out.nextId()));
    }
}
