package io.mediagateway.sync.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.codec.Json.CodecException;
import io.mediagateway.sync.codec.NotificationViews;
import io.mediagateway.sync.codec.StateCodec;
import io.mediagateway.sync.codec.ViewCodec;
import io.mediagateway.sync.codec.WatchlistViews;
import io.mediagateway.sync.crdt.LwwRegister;
import io.mediagateway.sync.model.ChangeCursor;
import io.mediagateway.sync.model.DeviceActivity;
import io.mediagateway.sync.model.DeviceRecord;
import io.mediagateway.sync.model.NotificationState;
import io.mediagateway.sync.model.NowPlaying;
import io.mediagateway.sync.model.PlaybackPosition;
import io.mediagateway.sync.model.PreferenceValue;
import io.mediagateway.sync.model.PresenceTimeouts;
import io.mediagateway.sync.topology.SyncStores;
import io.mediagateway.sync.topology.UserKeys;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one user's state from the per-item stores — a prefix scan of {@code user \0} per store — and
 * shapes it as the REST API answers it (contract §6). Works on any read-only view of the stores: the
 * local stores of a running instance, or a test driver's.
 *
 * <p>Answers are to be written out, not read as trees: the watchlist's items (in {@link #watchlist} and
 * {@link #snapshot}) are views rendered before and copied in as raw JSON ({@link WatchlistViews}); parse the
 * written answer to inspect them.
 */
public final class UserStateReader {
    /** Filter of {@code GET /api/v1/sync/progress}. */
    public enum ProgressFilter { ALL, IN_PROGRESS, COMPLETED }

    /** Where the stores come from. */
    @FunctionalInterface
    public interface Stores {
        ReadOnlyKeyValueStore<String, byte[]> store(String name);
    }

    private static final Logger log = LoggerFactory.getLogger(UserStateReader.class);
    private static final StringSerializer KEYS = new StringSerializer();

    /** The one value asked for is stored but cannot be served (an answer of one item has nothing else to give). */
    public static final class UnreadableValueException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnreadableValueException(String message) {
            super(message, null, false, false);
        }
    }

    /** What rendered watchlist views may keep by default (see {@link WatchlistViews}). */
    public static final long DEFAULT_VIEW_CACHE_BYTES = 16L << 20;

    private final StateCodec codec;
    private final PresenceTimeouts presenceTimeouts;
    private final WatchlistViews watchlistViews;

    /** @param viewCacheBytes what rendered watchlist views may keep; 0 renders every read afresh */
    public UserStateReader(StateCodec codec, PresenceTimeouts presenceTimeouts, long viewCacheBytes) {
        this.codec = codec;
        this.presenceTimeouts = presenceTimeouts;
        this.watchlistViews = new WatchlistViews(codec, viewCacheBytes);
    }

    public UserStateReader(StateCodec codec, PresenceTimeouts presenceTimeouts) {
        this(codec, presenceTimeouts, DEFAULT_VIEW_CACHE_BYTES);
    }

    /** With the default background timeout. */
    public UserStateReader(StateCodec codec, long presenceTimeoutMs) {
        this(codec, PresenceTimeouts.of(presenceTimeoutMs));
    }

    /** {@code {"user_id", "items": [{"content_id", "unique_tags", "device_id", "hlc", "content_metadata"}]}}: present items only. */
    public ObjectNode watchlist(Stores stores, String user) {
        ObjectNode out = ViewCodec.envelope(user);
        Reading read = new Reading();
        watchlistItems(stores, user, out.putArray("items"), read);
        return read.attachTo(out);
    }

    /** {@code {"user_id", "items": [progress item, …]}}, filtered. */
    public ObjectNode progress(Stores stores, String user, ProgressFilter filter) {
        ObjectNode out = ViewCodec.envelope(user);
        Reading read = new Reading();
        progressItems(stores, user, filter, out.putArray("items"), read);
        return read.attachTo(out);
    }

    /** One content's progress item, if the user has one (a removed one is none). */
    public Optional<ObjectNode> progressItem(Stores stores, String user, String contentId) {
        byte[] bytes = stores.store(SyncStores.PROGRESS).get(UserKeys.key(user, contentId));
        try {
            return Optional.ofNullable(bytes).map(codec::decodeProgress).filter(r -> !r.value().removed())
                    .map(r -> ViewCodec.progressItem(contentId, r));
        } catch (CodecException | UncheckedIOException | IllegalArgumentException e) {
            log.warn("Unreadable progress entry '{}' of user {}: {}", contentId, user, e.toString());
            throw new UnreadableValueException("the stored progress of '" + contentId + "' cannot be served: " + e.getMessage());
        }
    }

    /** {@code {"user_id", "items": {"<key>": <value>}}}. */
    public ObjectNode preferences(Stores stores, String user) {
        ObjectNode out = ViewCodec.envelope(user);
        Reading read = new Reading();
        preferenceItems(stores, user, out.putObject("items"), read);
        return read.attachTo(out);
    }

    /**
     * {@code {"user_id", "devices": [{"device_id", "device_type", "platform", "capabilities", "app_version",
     * "device_name", "online", "last_seen", "activity", "now_playing"}]}}. A device past its presence timeout
     * shows offline even before the sweep has recorded it; a removed device is not listed.
     */
    public ObjectNode devices(Stores stores, String user, long nowMs) {
        ObjectNode out = ViewCodec.envelope(user);
        Reading read = new Reading();
        deviceItems(stores, user, nowMs, out.putArray("devices"), read);
        return read.attachTo(out);
    }

    /**
     * {@code GET /api/v1/notifications} (contract §14): {@code {"user_id", "notifications": [newest first, each as
     * NotificationViews writes it, with "read"], "unread_count"}} — the user's notifications that are listed at
     * {@code nowMs}: not dismissed, not expired.
     */
    public ObjectNode notifications(Stores stores, String user, long nowMs) {
        ObjectNode out = ViewCodec.envelope(user);
        Reading read = new Reading();
        notificationItems(stores, user, nowMs, out, read);
        return read.attachTo(out);
    }

    /** One listed notification, if the user has it (a dismissed or expired one is none). */
    public Optional<ObjectNode> notification(Stores stores, String user, String id, long nowMs) {
        byte[] bytes = stores.store(SyncStores.NOTIFICATIONS).get(UserKeys.key(user, id));
        try {
            return Optional.ofNullable(bytes).map(codec::decodeNotification).filter(s -> s.listedAt(nowMs))
                    .map(s -> NotificationViews.put(Json.object(), s.notification(), s.receivedAtMs(), s.isRead()));
        } catch (CodecException | IllegalArgumentException e) {
            log.warn("Unreadable notification '{}' of user {}: {}", id, user, e.toString());
            throw new UnreadableValueException("the stored notification '" + id + "' cannot be served: " + e.getMessage());
        }
    }

    /**
     * Everything of one user at once, as the WebSocket's first message and {@code GET /api/v1/sync/snapshot}:
     * {@code {"type":"snapshot","user_id","watchlist":[…],"progress":[…],"preferences":{…},"devices":[…],
     * "notifications":[…],"unread_count","hlc"}},
     * where {@code hlc} is the greatest HLC the snapshot reflects, and {@code cursor} (contract §13) the user's
     * newest change it reflects — read first, so the snapshot holds at least every change up to it. One scan per
     * store.
     */
    public ObjectNode snapshot(Stores stores, String user, long nowMs) {
        ChangeCursor cursor = ChangeHistory.latest(stores.store(SyncStores.HISTORY), user);
        ObjectNode out = Json.object();
        out.put("type", "snapshot");
        out.put("user_id", user);
        Reading newest = new Reading();
        watchlistItems(stores, user, out.putArray("watchlist"), newest);
        progressItems(stores, user, ProgressFilter.ALL, out.putArray("progress"), newest);
        preferenceItems(stores, user, out.putObject("preferences"), newest);
        deviceItems(stores, user, nowMs, out.putArray("devices"), newest);
        notificationItems(stores, user, nowMs, out, newest);
        out.put("hlc", Long.toString(newest.hlc));
        out.put("cursor", cursor.encode(user));
        return newest.attachTo(out);
    }

    /**
     * {@code GET /api/v1/sync/changes} (contract §13): {@code {"user_id","changes":[…],"cursor","more"}}, or
     * {@code {"user_id","reset":true,"snapshot":{…},"cursor"}} when {@code since} is older than what is kept.
     *
     * @throws ChangeHistory.CursorAheadException when {@code since} is ahead of the user's changes
     */
    public ObjectNode changes(Stores stores, String user, ChangeCursor since, int limit, long nowMs) {
        ChangeHistory.Result result = ChangeHistory.since(stores.store(SyncStores.HISTORY), user, since, limit, nowMs);
        ObjectNode out = ViewCodec.envelope(user);
        if (result instanceof ChangeHistory.Changes changes) {
            out.putArray("changes").addAll(changes.changes());
            out.put("cursor", changes.cursor().encode(user));
            out.put("more", changes.more());
        } else {
            ObjectNode snapshot = snapshot(stores, user, nowMs);
            out.put("reset", true);
            out.set("snapshot", snapshot);
            out.set("cursor", snapshot.get("cursor"));
        }
        return out;
    }

    /**
     * What one answer has read: the greatest HLC among its values, and the values it could not read.
     * One unreadable value (corrupt bytes, a value stored before the limits of contract §18) is reported
     * on its own in {@code errors}; the rest of the answer is served.
     */
    private static final class Reading {
        long hlc;
        ArrayNode errors;

        void see(long value) {
            hlc = Math.max(hlc, value);
        }

        void unreadable(String part, String user, String item, RuntimeException e) {
            log.warn("Unreadable {} entry '{}' of user {} left out of the answer: {}", part, item, user, e.toString());
            if (errors == null) {
                errors = Json.object().arrayNode();
            }
            errors.add(ViewCodec.unreadable(part, item, e.getMessage()));
        }

        ObjectNode attachTo(ObjectNode answer) {
            if (errors != null) {
                answer.set("errors", errors);
            }
            return answer;
        }
    }

    private void watchlistItems(Stores stores, String user, ArrayNode items, Reading read) {
        // Each item's view is copied as rendered before (the answer is written out, never read as a tree).
        scan(stores.store(SyncStores.WATCHLIST), user, "watchlist", read, (content, bytes) ->
                watchlistViews.item(content, bytes).ifPresent(item -> {
                    items.addRawValue(item.json());
                    read.see(item.hlc());
                }));
    }

    private void progressItems(Stores stores, String user, ProgressFilter filter, ArrayNode items, Reading read) {
        scan(stores.store(SyncStores.PROGRESS), user, "progress", read, (content, bytes) -> {
            LwwRegister<PlaybackPosition> register = codec.decodeProgress(bytes);
            if (register.value().removed()) {
                return;
            }
            boolean completed = register.value().completed();
            if (filter == ProgressFilter.ALL || (filter == ProgressFilter.COMPLETED) == completed) {
                items.add(ViewCodec.progressItem(content, register));
                read.see(register.stamp().hlc());
            }
        });
    }

    private void preferenceItems(Stores stores, String user, ObjectNode items, Reading read) {
        scan(stores.store(SyncStores.PREFERENCES), user, "preferences", read, (key, bytes) -> {
            LwwRegister<PreferenceValue> register = codec.decodePreference(bytes);
            items.set(key, ViewCodec.preferenceValue(register));
            read.see(register.stamp().hlc());
        });
    }

    /** {@code "notifications"} (newest first) and {@code "unread_count"} into {@code out}. */
    private void notificationItems(Stores stores, String user, long nowMs, ObjectNode out, Reading read) {
        List<NotificationState> listed = new ArrayList<>();
        scan(stores.store(SyncStores.NOTIFICATIONS), user, "notifications", read, (id, bytes) -> {
            NotificationState state = codec.decodeNotification(bytes);
            if (state.listedAt(nowMs)) {
                listed.add(state);
            }
        });
        listed.sort(Comparator.comparingLong(NotificationState::receivedAtMs).thenComparing(s -> s.notification().id())
                .reversed());
        ArrayNode items = out.putArray("notifications");
        int unread = 0;
        for (NotificationState s : listed) {
            items.add(NotificationViews.put(Json.object(), s.notification(), s.receivedAtMs(), s.isRead()));
            unread += s.isRead() ? 0 : 1;
        }
        out.put("unread_count", unread);
    }

    private void deviceItems(Stores stores, String user, long nowMs, ArrayNode devices, Reading read) {
        scan(stores.store(SyncStores.DEVICES), user, "devices", read, (deviceId, bytes) -> {
            DeviceRecord record = codec.decodeDevice(bytes);
            if (!record.visible()) {
                return;
            }
            boolean online = record.online() && !record.isDue(nowMs, presenceTimeouts);
            devices.add(ViewCodec.deviceItem(deviceId, record, online, activity(stores, user, deviceId, record, online)));
            read.see(record.presence().stamp().hlc());
        });
    }

    /** What a listed device is doing: two more reads for an online device that reported progress. */
    private DeviceActivity activity(Stores stores, String user, String deviceId, DeviceRecord record, boolean online) {
        if (!online) {
            return DeviceActivity.IDLE;
        }
        byte[] playingBytes = stores.store(SyncStores.NOW_PLAYING).get(UserKeys.key(user, deviceId));
        NowPlaying playing = playingBytes == null ? null : codec.decodeNowPlaying(playingBytes);
        byte[] progressBytes = playing == null ? null
                : stores.store(SyncStores.PROGRESS).get(UserKeys.key(user, playing.contentId()));
        return DeviceActivity.of(record, true, deviceId, playing,
                progressBytes == null ? null : codec.decodeProgress(progressBytes));
    }

    /** Every item of one user in one store, in key order; one that cannot be read is reported, not fatal. */
    private static void scan(ReadOnlyKeyValueStore<String, byte[]> store, String user, String part, Reading read,
                             BiConsumer<String, byte[]> each) {
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(UserKeys.prefix(user), KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                String item = UserKeys.item(kv.key);
                try {
                    each.accept(item, kv.value);
                } catch (CodecException | UncheckedIOException | IllegalArgumentException e) {
                    read.unreadable(part, user, item, e);
                }
            }
        }
    }
}
