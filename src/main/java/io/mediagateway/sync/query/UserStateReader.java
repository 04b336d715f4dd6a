package io.mediagateway.sync.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.codec.Json.CodecException;
import io.mediagateway.sync.codec.JsonLimits;
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
import java.io.UncheckedIOException;
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

    private final StateCodec codec;
    private final long presenceTimeoutMs;

    public UserStateReader(StateCodec codec, long presenceTimeoutMs) {
        this.codec = codec;
        this.presenceTimeoutMs = presenceTimeoutMs;
    }

    /** {@code {"user_id", "items": [{"content_id", "unique_tags", "device_id", "hlc", "content_metadata"}]}}: present items only. */
    public ObjectNode watchlist(Stores stores, String user) {
        ObjectNode out = envelope(user);
        Reading read = new Reading();
        watchlistItems(stores, user, out.putArray("items"), read);
        return read.attachTo(out);
    }

    /** {@code {"user_id", "items": [progress item, …]}}, filtered. */
    public ObjectNode progress(Stores stores, String user, ProgressFilter filter) {
        ObjectNode out = envelope(user);
        Reading read = new Reading();
        progressItems(stores, user, filter, out.putArray("items"), read);
        return read.attachTo(out);
    }

    /** One content's progress item, if the user has one. */
    public Optional<ObjectNode> progressItem(Stores stores, String user, String contentId) {
        byte[] bytes = stores.store(SyncStores.PROGRESS).get(UserKeys.key(user, contentId));
        try {
            return Optional.ofNullable(bytes).map(b -> progressItem(contentId, codec.decodeProgress(b)));
        } catch (CodecException | UncheckedIOException | IllegalArgumentException e) {
            log.warn("Unreadable progress entry '{}' of user {}: {}", contentId, user, e.toString());
            throw new UnreadableValueException("the stored progress of '" + contentId + "' cannot be served: " + e.getMessage());
        }
    }

    /** {@code {"user_id", "items": {"<key>": <value>}}}. */
    public ObjectNode preferences(Stores stores, String user) {
        ObjectNode out = envelope(user);
        Reading read = new Reading();
        preferenceItems(stores, user, out.putObject("items"), read);
        return read.attachTo(out);
    }

    /**
     * {@code {"user_id", "devices": [{"device_id", "device_type", "platform", "capabilities", "app_version",
     * "device_name", "online", "last_seen"}]}}. A device past its presence timeout shows offline even
     * before the sweep has recorded it.
     */
    public ObjectNode devices(Stores stores, String user, long nowMs) {
        ObjectNode out = envelope(user);
        Reading read = new Reading();
        deviceItems(stores, user, nowMs, out.putArray("devices"), read);
        return read.attachTo(out);
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
        Reading newest = new Reading();
        watchlistItems(stores, user, out.putArray("watchlist"), newest);
        progressItems(stores, user, ProgressFilter.ALL, out.putArray("progress"), newest);
        preferenceItems(stores, user, out.putObject("preferences"), newest);
        deviceItems(stores, user, nowMs, out.putArray("devices"), newest);
        out.put("hlc", Long.toString(newest.hlc));
        return newest.attachTo(out);
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
            ObjectNode error = errors.addObject();
            error.put("part", part);
            error.put("key", item);
            error.put("error", "unreadable_value");
            error.put("message", "the stored value cannot be served: " + e.getMessage());
        }

        ObjectNode attachTo(ObjectNode answer) {
            if (errors != null) {
                answer.set("errors", errors);
            }
            return answer;
        }
    }

    private void watchlistItems(Stores stores, String user, ArrayNode items, Reading newest) {
        scan(stores.store(SyncStores.WATCHLIST), user, "watchlist", newest, (content, bytes) -> {
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

    private void progressItems(Stores stores, String user, ProgressFilter filter, ArrayNode items, Reading newest) {
        scan(stores.store(SyncStores.PROGRESS), user, "progress", newest, (content, bytes) -> {
            LwwRegister<PlaybackPosition> register = codec.decodeProgress(bytes);
            boolean completed = register.value().completed();
            if (filter == ProgressFilter.ALL || (filter == ProgressFilter.COMPLETED) == completed) {
                items.add(progressItem(content, register));
                newest.see(register.stamp().hlc());
            }
        });
    }

    private void preferenceItems(Stores stores, String user, ObjectNode items, Reading newest) {
        scan(stores.store(SyncStores.PREFERENCES), user, "preferences", newest, (key, bytes) -> {
            LwwRegister<PreferenceValue> register = codec.decodePreference(bytes);
            JsonNode value = Json.parse(register.value().canonicalJson());
            JsonLimits.check(value).ifPresent(v -> {
                throw new CodecException("it " + v.problem());
            });
            items.set(key, value);
            newest.see(register.stamp().hlc());
        });
    }

    private void deviceItems(Stores stores, String user, long nowMs, ArrayNode devices, Reading newest) {
        scan(stores.store(SyncStores.DEVICES), user, "devices", newest, (deviceId, bytes) -> {
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
