package io.mediagateway.sync.topology;

import io.mediagateway.sync.codec.StateCodec;
import io.mediagateway.sync.crdt.LwwRegister;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.model.ContentMetadata;
import io.mediagateway.sync.model.PlaybackPosition;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.testing.SyncTopologyDriver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The real topology ({@link SyncTopology#build}) in a {@link TopologyTestDriver}, with a controlled
 * wall clock starting at {@link #START}, and helpers to write events and read deltas, dead letters and stores.
 */
final class TopologyFixture implements AutoCloseable {
    static final Instant START = Instant.parse("2026-11-21T10:00:00Z");

    final TopologyTestDriver driver;
    private final TestInputTopic<byte[], byte[]> events;
    private final TestInputTopic<byte[], byte[]> notifications;
    private final TestInputTopic<byte[], byte[]> broadcasts;
    private final TestOutputTopic<String, String> deltas;
    private final TestOutputTopic<byte[], byte[]> deadLetters;
    private Instant now;

    TopologyFixture() {
        this(SyncTopology.Settings.defaults());
    }

    TopologyFixture(SyncTopology.Settings settings) {
        this(settings, "fixture-" + System.nanoTime());
    }

    TopologyFixture(SyncTopology.Settings settings, String applicationId) {
        this(settings, applicationId, START);
    }

    /** {@code wallClockStart}: where the driver's wall clock starts (records are stamped with it unless told otherwise). */
    TopologyFixture(SyncTopology.Settings settings, String applicationId, Instant wallClockStart) {
        driver = SyncTopologyDriver.start(settings, applicationId, wallClockStart);
        now = wallClockStart;
        events = driver.createInputTopic(Topics.DEVICE_EVENTS.name(), new ByteArraySerializer(), new ByteArraySerializer());
        notifications = driver.createInputTopic(Topics.NOTIFICATIONS.name(), new ByteArraySerializer(),
                new ByteArraySerializer());
        broadcasts = driver.createInputTopic(Topics.BROADCASTS.name(), new ByteArraySerializer(), new ByteArraySerializer());
        deltas = driver.createOutputTopic(Topics.STATE_DELTAS.name(), new StringDeserializer(), new StringDeserializer());
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    /** The HLC of a moment {@code seconds} after {@link #START}. */
    static long hlc(double seconds) {
        return Hlc.pack(START.toEpochMilli() + Math.round(seconds * 1000), 0);
    }

    /** A new event of {@code msgType} from {@code device}, to be completed with {@code put}. */
    static ObjectNode event(String msgType, String device) {
        ObjectNode node = Json.object();
        node.put("msg_type", msgType);
        node.put("device_id", device);
        return node;
    }

    static ObjectNode event(String msgType, String device, double atSeconds) {
        return event(msgType, device).put("hlc", Long.toString(hlc(atSeconds)));
    }

    static ObjectNode join(String device, String type, double at, boolean remote, boolean cast) {
        ObjectNode e = event("device_join", device, at).put("device_type", type).put("platform", "Tizen")
                .put("app_version", "1.0");
        e.putObject("capabilities").put("max_resolution", "UHD_4K").put("remote_controllable", remote).put("can_cast", cast);
        return e;
    }

    static ObjectNode add(String device, String content, String tag, double at) {
        return event("watchlist_update", device, at).put("operation", "Add").put("content_id", content).put("unique_tag", tag);
    }

    static ObjectNode remove(String device, String content, double at, String... observed) {
        ObjectNode e = event("watchlist_update", device, at).put("operation", "Remove").put("content_id", content);
        if (observed.length > 0) {
            var tags = e.putArray("observed_tags");
            for (String t : observed) {
                tags.add(t);
            }
        }
        return e;
    }

    static ObjectNode progress(String device, String content, double position, double duration, String state, double at) {
        return event("watch_progress_update", device, at).put("content_id", content).put("position_seconds", position)
                .put("duration_seconds", duration).put("state", state);
    }

    static ObjectNode command(String device, String target, String type, double at) {
        ObjectNode e = event("remote_command", device, at).put("target_device_id", target);
        e.putObject("command").put("type", type).putObject("params");
        return e;
    }

    void send(String user, JsonNode event) {
        send(user, Json.bytes(event));
    }

    void send(String user, String value) {
        send(user, value.getBytes(StandardCharsets.UTF_8));
    }

    void send(String user, byte[] value) {
        sendRaw(user == null ? null : user.getBytes(StandardCharsets.UTF_8), value, new RecordHeaders());
    }

    void sendRaw(byte[] key, byte[] value, Headers headers) {
        sendRaw(key, value, headers, now);
    }

    void sendRaw(byte[] key, byte[] value, Headers headers, Instant recordTime) {
        events.pipeInput(new TestRecord<>(key, value, headers, recordTime));
    }

    /** A record of {@code sync.notifications} keyed by {@code user}, sent now. */
    void notify(String user, JsonNode notification) {
        notify(user, Json.bytes(notification), now);
    }

    void notify(String user, byte[] value, Instant recordTime) {
        notifications.pipeInput(new TestRecord<>(user.getBytes(StandardCharsets.UTF_8), value, new RecordHeaders(),
                recordTime));
    }

    /** A record of {@code sync.broadcasts} keyed by {@code channel} (null: no key). */
    void broadcast(String channel, String value) {
        broadcasts.pipeInput(new TestRecord<>(channel == null ? null : channel.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8), new RecordHeaders(), now));
    }

    /** A notification as backend services send it (contract §14), to be completed with {@code put}. */
    static ObjectNode notification(String id, String title) {
        ObjectNode n = Json.object().put("notification_type", "content_expiring").put("title", title)
                .put("body", "It leaves in 7 days").put("priority", "normal");
        return id == null ? n : n.put("notification_id", id);
    }

    /** Moves the wall clock (and the time of the next records) forward; wall-clock punctuators run. */
    void advance(Duration d) {
        now = now.plus(d);
        driver.advanceWallClockTime(d);
    }

    Instant now() {
        return now;
    }

    List<JsonNode> deltas() {
        List<JsonNode> out = new ArrayList<>();
        for (KeyValue<String, String> kv : deltas.readKeyValuesToList()) {
            JsonNode d = Json.parse(kv.value);
            if (!kv.key.equals(d.path("user_id").asText())) {
                throw new AssertionError("delta key " + kv.key + " differs from its user_id: " + kv.value);
            }
            out.add(d);
        }
        return out;
    }

    List<TestRecord<byte[], byte[]>> deadLetters() {
        return deadLetters.readRecordsToList();
    }

    static String header(TestRecord<byte[], byte[]> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    KeyValueStore<Object, Object> store(String name) {
        return driver.getKeyValueStore(name);
    }

    /** Every entry of a key-value store, as text, sorted by key: for comparing two runs. */
    Map<String, String> dump(String name) {
        Map<String, String> out = new TreeMap<>();
        try (KeyValueIterator<Object, Object> it = store(name).all()) {
            it.forEachRemaining(kv -> out.put(text(kv.key), text(kv.value)));
        }
        return out;
    }

    private static String text(Object o) {
        if (o instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        if (o instanceof org.apache.kafka.common.utils.Bytes b) {
            return java.util.HexFormat.of().formatHex(b.get());
        }
        return String.valueOf(o);
    }

    /** The stored watchlist item, decoded, or null. */
    OrElement<ContentMetadata> watchlistItem(String user, String contentId) {
        Object v = store(SyncStores.WATCHLIST).get(UserKeys.key(user, contentId));
        return v == null ? null : new StateCodec(OrElement.Policy.DEFAULT).decodeElement((byte[]) v);
    }

    /** The stored progress register, decoded, or null. */
    LwwRegister<PlaybackPosition> progress(String user, String contentId) {
        Object v = store(SyncStores.PROGRESS).get(UserKeys.key(user, contentId));
        return v == null ? null : new StateCodec(OrElement.Policy.DEFAULT).decodeProgress((byte[]) v);
    }

    @Override
    public void close() {
        driver.close();
    }
}
