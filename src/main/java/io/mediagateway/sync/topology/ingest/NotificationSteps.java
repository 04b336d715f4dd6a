package io.mediagateway.sync.topology.ingest;

import io.mediagateway.sync.codec.StateCodec;
import io.mediagateway.sync.crdt.Stamp;
import io.mediagateway.sync.model.Delta;
import io.mediagateway.sync.model.Notification;
import io.mediagateway.sync.model.NotificationChanges;
import io.mediagateway.sync.model.NotificationIndex;
import io.mediagateway.sync.model.NotificationState;
import io.mediagateway.sync.topology.SyncStores;
import io.mediagateway.sync.topology.UserKeys;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A user's notifications (contract §14): each one's state is merged as {@link NotificationState} (a repeat of an
 * id changes nothing; a read or dismiss is never undone), shown as {@link NotificationChanges} decides, and bounded
 * by the user's {@link NotificationIndex}. Cost per record: the notification's state and the user's index (at most
 * {@link NotificationIndex.Limits#maxKept()} entries), whatever else the user holds.
 */
public final class NotificationSteps {
    /** The {@code device_id} of a notification's delta: it comes from a backend service, not a device. */
    public static final String SENDER = "service:notifications";

    private final KeyValueStore<String, byte[]> store;
    private final StateCodec codec;
    private final NotificationIndex.Limits limits;

    public NotificationSteps(ProcessorContext<?, ?> context, StateCodec codec, NotificationIndex.Limits limits) {
        this.store = context.getStateStore(SyncStores.NOTIFICATIONS);
        this.codec = codec;
        this.limits = limits;
    }

    /** The key of the user's index: {@code user\1}, beside (not among) the {@code user\0id} keys a listing scans. */
    public static String indexKey(String user) {
        return user + '\u0001';
    }

    /** A notification arrived (its record stored at {@code atMs}); shown unless it has expired at {@code nowMs}. */
    /** Deletes the user's notifications and their index (contract §16); how many entries went. */
    public int erase(String user) {
        int erased = UserStores.deleteAll(store, UserKeys.prefix(user));
        if (store.get(indexKey(user)) != null) {
            store.delete(indexKey(user));
            erased++;
        }
        return erased;
    }

    public void arrived(Deltas out, Notification n, long hlc, long atMs, long nowMs) {
        NotificationState before = state(out.user, n.id());
        apply(out, n.id(), before, before.arrived(n, atMs), hlc, SENDER, nowMs);
    }

    /** A device read ({@code dismissed}: dismissed) a notification. */
    public void mark(Deltas out, String id, boolean dismissed, Stamp stamp, long nowMs) {
        NotificationState before = state(out.user, id);
        apply(out, id, before, dismissed ? before.dismiss(stamp) : before.markRead(stamp), stamp.hlc(), stamp.deviceId(),
                nowMs);
    }

    private NotificationState state(String user, String id) {
        byte[] stored = store.get(UserKeys.key(user, id));
        return stored == null ? NotificationState.EMPTY : codec.decodeNotification(stored);
    }

    private void apply(Deltas out, String id, NotificationState before, NotificationState after, long hlc, String device,
                       long nowMs) {
        if (after.equals(before)) {
            return;
        }
        if (before.equals(NotificationState.EMPTY)) {
            keep(out.user, id, out.timestamp);
        }
        store.put(UserKeys.key(out.user, id), codec.encodeNotification(after));
        NotificationChanges.shown(before, after, nowMs).ifPresent(shown -> out.emit(switch (shown) {
            case NOTIFICATION -> new Delta.NotificationShown(out.user, hlc, device, out.nextId(), after.notification(),
                    after.receivedAtMs(), after.isRead());
            case READ -> new Delta.NotificationStatus(Delta.NotificationStatus.READ, out.user, hlc, device, out.nextId(), id);
            case DISMISSED -> new Delta.NotificationStatus(Delta.NotificationStatus.DISMISSED, out.user, hlc, device,
                    out.nextId(), id);
        }));
    }

    /** A new notification joins the user's index; those it pushes out leave the store. */
    private void keep(String user, String id, long atMs) {
        byte[] stored = store.get(indexKey(user));
        NotificationIndex index = stored == null ? NotificationIndex.EMPTY : codec.decodeNotificationIndex(stored);
        NotificationIndex.Added added = index.add(id, atMs, limits);
        for (String evicted : added.evicted()) {
            store.delete(UserKeys.key(user, evicted));
        }
        store.put(indexKey(user), codec.encodeNotificationIndex(added.index()));
    }
}
