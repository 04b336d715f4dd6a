package io.mediagateway.sync.topology.ingest;

import io.mediagateway.sync.codec.StateCodec;
import io.mediagateway.sync.crdt.LwwRegister;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.model.ContentMetadata;
import io.mediagateway.sync.model.DeviceRecord;
import io.mediagateway.sync.model.NowPlaying;
import io.mediagateway.sync.model.PlaybackPosition;
import io.mediagateway.sync.model.PreferenceValue;
import io.mediagateway.sync.model.PresenceTimeouts;
import io.mediagateway.sync.topology.SyncStores;
import io.mediagateway.sync.topology.UserKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One task's per-item stores, read and written as model values: one item per call, so an event's cost
 * does not grow with the size of its user's state. The presence index is kept in step with the devices.
 */
public final class UserStores {
    private static final byte[] EMPTY = new byte[0];

    private final StateCodec codec;
    private final PresenceTimeouts timeouts;
    private final KeyValueStore<String, byte[]> watchlist;
    private final KeyValueStore<String, byte[]> progress;
    private final KeyValueStore<String, byte[]> preferences;
    private final KeyValueStore<String, byte[]> devices;
    private final KeyValueStore<String, byte[]> nowPlaying;
    private final KeyValueStore<Bytes, byte[]> presenceIndex;

    public UserStores(ProcessorContext<?, ?> context, StateCodec codec, PresenceTimeouts timeouts) {
        this.codec = codec;
        this.timeouts = timeouts;
        watchlist = context.getStateStore(SyncStores.WATCHLIST);
        progress = context.getStateStore(SyncStores.PROGRESS);
        preferences = context.getStateStore(SyncStores.PREFERENCES);
        devices = context.getStateStore(SyncStores.DEVICES);
        nowPlaying = context.getStateStore(SyncStores.NOW_PLAYING);
        presenceIndex = context.getStateStore(SyncStores.PRESENCE_INDEX);
    }

    OrElement<ContentMetadata> watchlistItem(String user, String contentId) {
        byte[] stored = watchlist.get(UserKeys.key(user, contentId));
        return stored == null ? OrElement.empty() : codec.decodeElement(stored);
    }

    void putWatchlistItem(String user, String contentId, OrElement<ContentMetadata> element) {
        String key = UserKeys.key(user, contentId);
        if (element.isEmpty()) {
            watchlist.delete(key);
        } else {
            watchlist.put(key, codec.encodeElement(element));
        }
    }

    LwwRegister<PlaybackPosition> progress(String user, String contentId) {
        byte[] stored = progress.get(UserKeys.key(user, contentId));
        return stored == null ? null : codec.decodeProgress(stored);
    }

    void putProgress(String user, String contentId, LwwRegister<PlaybackPosition> register) {
        progress.put(UserKeys.key(user, contentId), codec.encodeProgress(register));
    }

    LwwRegister<PreferenceValue> preference(String user, String key) {
        byte[] stored = preferences.get(UserKeys.key(user, key));
        return stored == null ? null : codec.decodePreference(stored);
    }

    void putPreference(String user, String key, LwwRegister<PreferenceValue> register) {
        preferences.put(UserKeys.key(user, key), codec.encodePreference(register));
    }

    NowPlaying nowPlaying(String user, String deviceId) {
        byte[] stored = nowPlaying.get(UserKeys.key(user, deviceId));
        return stored == null ? null : codec.decodeNowPlaying(stored);
    }

    void putNowPlaying(String user, String deviceId, NowPlaying playing) {
        nowPlaying.put(UserKeys.key(user, deviceId), codec.encodeNowPlaying(playing));
    }

    DeviceRecord device(String user, String deviceId) {
        byte[] stored = devices.get(UserKeys.key(user, deviceId));
        return stored == null ? null : codec.decodeDevice(stored);
    }

    /**
     * Saves a device and keeps the presence index in step: an entry exactly for each online device, keyed by
     * when it times out.
     */
    void putDevice(String user, String deviceId, DeviceRecord before, DeviceRecord after) {
        devices.put(UserKeys.key(user, deviceId), codec.encodeDevice(after));
        if (before != null && before.online() && after.online() && after.deadline(timeouts) >= before.deadline(timeouts)) {
            // Every online device has an index entry no later than its deadline; a heartbeat only moves the
            // deadline later, so the entry stays where it is and the sweep, finding it due, re-reads the
            // device and re-keys it (PresenceSweep): one re-key per timeout instead of two index writes per
            // heartbeat (B12).
            return;
        }
        reindex(before != null ? indexEntry(user, deviceId, before) : null, indexEntry(user, deviceId, after));
    }

    /** The presence index entry of a device: its deadline, when it is online. */
    Bytes indexEntry(String user, String deviceId, DeviceRecord record) {
        return record.online() ? UserKeys.deadlineKey(record.deadline(timeouts), user, deviceId) : null;
    }

    /** Replaces one presence index entry by another (either may be null). */
    void reindex(Bytes oldEntry, Bytes newEntry) {
        if (!Objects.equals(oldEntry, newEntry)) {
            if (oldEntry != null) {
                presenceIndex.delete(oldEntry);
            }
            if (newEntry != null) {
                presenceIndex.put(newEntry, EMPTY);
            }
        }
    }

    /**
     * Deletes everything the item stores hold of {@code user} — watchlist, progress, preferences, devices (and their
     * presence index entries), what each device plays — and returns how many entries went. A scan of the user's keys:
     * erasure is rare, and its cost is the user's size.
     */
    int erase(String user) {
        int erased = 0;
        try (KeyValueIterator<String, byte[]> it = devices.prefixScan(UserKeys.prefix(user), new StringSerializer())) {
            while (it.hasNext()) {
                var entry = it.next();
                Bytes index = indexEntry(user, UserKeys.item(entry.key), codec.decodeDevice(entry.value));
                if (index != null) {
                    presenceIndex.delete(index);
                    erased++;
                }
            }
        }
        for (KeyValueStore<String, byte[]> store : List.of(watchlist, progress, preferences, devices, nowPlaying)) {
            erased += deleteAll(store, UserKeys.prefix(user));
        }
        return erased;
    }

    /** Deletes every key that starts with {@code prefix}; how many. */
    static int deleteAll(KeyValueStore<String, byte[]> store, String prefix) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix, new StringSerializer())) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        keys.forEach(store::delete);
        return keys.size();
    }

    PresenceTimeouts timeouts() {
        return timeouts;
    }

    KeyValueStore<Bytes, byte[]> presenceIndex() {
        return presenceIndex;
    }
}
