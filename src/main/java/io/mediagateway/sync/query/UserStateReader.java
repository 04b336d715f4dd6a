package io.mediagateway.sync.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.codec.StateCodec;
import io.mediagateway.sync.crdt.LwwRegister;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.model.ContentMetadata;
import io.mediagateway.sync.model.DeviceInfo;
import io.mediagateway.sync.model.DeviceRecord;
import io.mediagateway.sync.model.PlaybackPosition;
import io.mediagateway.sync.model.PreferenceValue;
import io.mediagateway.sync.topology.SyncStores;
import io.mediagateway.sync.topology.UserKeys;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads one user's state from the per-item stores — a prefix scan of {@code user \0} per store — and
 * shapes it as the REST API answers it (contract §6). Works on any read-only view of the stores: the
 * local stores of a running instance, or a test driver's.
 */
public final class UserStateReader {
    /** Filter of {@code GET /api/v1/sync/progress}. */
    public enum ProgressFilter { ALL, IN_PROGRESS, COMPLETED }

    /** Where the stores come from. */
    @FunctionalInterface
    public interface Stores {
        ReadOnlyKeyValueStore<String, byte[]> store(String name);
    }

    private static final StringSerializer KEYS = new StringSerializer();

    private final StateCodec codec;
    private final long presenceTimeoutMs;

    public UserStateReader(StateCodec codec, long presenceTimeoutMs) {
        this.codec = codec;
        this.presenceTimeoutMs = presenceTimeoutMs;
    }

    /** {@code {"user_id", "items": [{"content_id", "unique_tags", "device_id", "hlc", "content_metadata"}]}}: present items only. */
    public ObjectNode watchlist(Stores stores, String user) {
        ObjectNode out = envelope(user);
        watchlistItems(stores, user, out.putArray("items"), new Newest());
        return out;
    }

    /** {@code {"user_id", "items": [progress item, …]}}, filtered. */
    public ObjectNode progress(Stores stores, String user, ProgressFilter filter) {
        ObjectNode out = envelope(user);
        progressItems(stores, user, filter, out.putArray("items"), new Newest());
        return out;
    }

    /** One content's progress item, if the user has one. */
    public Optional<ObjectNode> progressItem(Stores stores, String user, String contentId) {
        byte[] bytes = stores.store(SyncStores.PROGRESS).get(UserKeys.key(user, contentId));
        return Optional.ofNullable(bytes).map(b -> progressItem(contentId, codec.decodeProgress(b)));
    }

    /** {@code {"user_id", "items": {"<key>": <value>}}}. */
    public ObjectNode preferences(Stores stores, String user) {
        ObjectNode out = envelope(user);
        preferenceItems(stores, user, out.putObject("items"), new Newest());
        return out;
    }

    /**
     * {@code {"user_id", "devices": [{"device_id", "device_type", "platform", "capabilities", "app_version",
     * "device_name", "online", "last_seen"}]}}. A device past its presence timeout shows offline even
     * before the sweep has recorded it.
     */
    public ObjectNode devices(Stores stores, String user, long nowMs) {
        ObjectNode out = envelope(user);
        deviceItems(stores, user, nowMs, out.putArray("devices"), new Newest());
        return out;
    }

    /**
     * Everything of one user at once, as the WebSocket's first message and {@code GET /api/v1/sync/snapshot}:
     * {@code {"type":"snapshot","user_id","watchlist":[…],"progress":[…],"preferences":{…},"devices":[…],"hlc"}},
     * where {@code hlc} is the greatest HLC the snapshot reflects. One scan per store.
     */
    public ObjectNode snapshot(Stores stores, String user, long nowMs) {
        ObjectNode out = Json.object();
        out.put("type", "snapshot");
        out.put("user_id", user);
        Newest newest = new Newest();
        watchlistItems(stores, user, out.putArray("watchlist"), newest);
        progressItems(stores, user, ProgressFilter.ALL, out.putArray("progress"), newest);
        preferenceItems(stores, user, out.putObject("preferences"), newest);
        deviceItems(stores, user, nowMs, out.putArray("devices"), newest);
        out.put("hlc", Long.toString(newest.hlc));
        return out;
    }

    /** The greatest HLC among the values read. */
    private static final class Newest {
        long hlc;

        void see(long value) {
            hlc = Math.max(hlc, value);
        }
    }

    private void watchlistItems(Stores stores, String user, ArrayNode items, Newest newest) {
        scan(stores.store(SyncStores.WATCHLIST), user, (content, bytes) -> {
            OrElement<ContentMetadata> element = codec.decodeElement(bytes);
            element.newest().ifPresent(dot -> {
                ObjectNode item = items.addObject();
                item.put("content_id", content);
                ArrayNode tags = item.putArray("unique_tags");
                element.live().keySet().forEach(tags::add);
                item.put("device_id", dot.getValue().stamp().deviceId());
                item.put("hlc", Long.toString(dot.getValue().stamp().hlc()));
                item.set("content_metadata", StateCodec.metadataNode(dot.getValue().metadata()));
                newest.see(dot.getValue().stamp().hlc());
            });
        });
    }

    private void progressItems(Stores stores, String user, ProgressFilter filter, ArrayNode items, Newest newest) {
        scan(stores.store(SyncStores.PROGRESS), user, (content, bytes) -> {
            LwwRegister<PlaybackPosition> register = codec.decodeProgress(bytes);
            boolean completed = register.value().completed();
            if (filter == ProgressFilter.ALL || (filter == ProgressFilter.COMPLETED) == completed) {
                items.add(progressItem(content, register));
                newest.see(register.stamp().hlc());
            }
        });
    }

    private void preferenceItems(Stores stores, String user, ObjectNode items, Newest newest) {
        scan(stores.store(SyncStores.PREFERENCES), user, (key, bytes) -> {
            LwwRegister<PreferenceValue> register = codec.decodePreference(bytes);
            items.set(key, Json.parse(register.value().canonicalJson()));
            newest.see(register.stamp().hlc());
        });
    }

    private void deviceItems(Stores stores, String user, long nowMs, ArrayNode devices, Newest newest) {
        scan(stores.store(SyncStores.DEVICES), user, (deviceId, bytes) -> {
            DeviceRecord record = codec.decodeDevice(bytes);
            ObjectNode d = devices.addObject();
            d.put("device_id", deviceId);
            DeviceInfo info = record.info().map(LwwRegister::value).orElse(null);
            if (info != null) {
                d.setAll(StateCodec.infoNode(info));
            }
            d.put("online", record.online() && !record.isDue(nowMs, presenceTimeoutMs));
            if (record.lastSeenMs() != DeviceRecord.NEVER_SEEN) {
                d.put("last_seen", record.lastSeenMs());
            }
            newest.see(record.presence().stamp().hlc());
        });
    }

    static ObjectNode progressItem(String contentId, LwwRegister<PlaybackPosition> register) {
        PlaybackPosition p = register.value();
        ObjectNode item = StateCodec.positionNode(p);
        item.put("content_id", contentId);
        item.put("completion_percent", p.completionPercent());
        item.put("completed", p.completed());
        item.put("resume_position_seconds", p.resumePositionSeconds());
        item.put("device_id", register.stamp().deviceId());
        item.put("hlc", Long.toString(register.stamp().hlc()));
        return item;
    }

    private static ObjectNode envelope(String user) {
        ObjectNode out = Json.object();
        out.put("user_id", user);
        return out;
    }

    /** Every item of one user in one store, in key order. */
    private static void scan(ReadOnlyKeyValueStore<String, byte[]> store, String user, BiConsumer<String, byte[]> each) {
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(UserKeys.prefix(user), KEYS)) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                each.accept(UserKeys.item(kv.key), kv.value);
            }
        }
    }
}
