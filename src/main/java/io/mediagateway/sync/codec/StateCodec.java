package io.mediagateway.sync.codec;

import static io.mediagateway.sync.codec.Fields.putHlc;
import static io.mediagateway.sync.codec.Fields.putIfNotNull;
import static io.mediagateway.sync.codec.Fields.putStamp;
import static io.mediagateway.sync.codec.Fields.putStrings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.Json.CodecException;
import io.mediagateway.sync.crdt.LwwRegister;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.crdt.Stamp;
import io.mediagateway.sync.model.Capabilities;
import io.mediagateway.sync.model.ContentMetadata;
import io.mediagateway.sync.model.DeviceInfo;
import io.mediagateway.sync.model.DeviceRecord;
import io.mediagateway.sync.model.Notification;
import io.mediagateway.sync.model.NotificationIndex;
import io.mediagateway.sync.model.NotificationState;
import io.mediagateway.sync.model.NowPlaying;
import io.mediagateway.sync.model.PlaybackPosition;
import io.mediagateway.sync.model.PlaybackState;
import io.mediagateway.sync.model.Presence;
import io.mediagateway.sync.model.PreferenceValue;
import io.mediagateway.sync.model.UserState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Encodes the state values to bytes and back: the compact binary form of {@link BinaryValues} when writing;
 * reading takes that form and the JSON one earlier versions stored (a value begins with {@code '{'}), so a
 * store written before is read as it is and rewritten item by item. Deterministic: maps and sets are written
 * sorted, so equal values give identical bytes (and {@code merge(a, b)}, {@code merge(b, a)} too). The JSON
 * nodes remain for whole-user snapshots ({@link #encodeUser}) and the API's views.
 */
public final class StateCodec {
    private final OrElement.Policy policy;

    public StateCodec(OrElement.Policy policy) {
        this.policy = policy;
    }

    // ---- watchlist element

    private static final byte ELEMENT = 'W';
    private static final byte PROGRESS = 'P';
    private static final byte PREFERENCE = 'F';
    private static final byte NOW_PLAYING = 'N';
    private static final byte DEVICE = 'D';
    private static final byte NOTIFICATION = 'O';
    private static final byte NOTIFICATION_INDEX = 'X';

    public byte[] encodeElement(OrElement<ContentMetadata> element) {
        BinaryValues.Writer w = new BinaryValues.Writer(ELEMENT, 64 + 48 * element.live().size());
        w.varint(element.live().size());
        element.live().forEach((tag, dot) -> {
            w.string(tag).stamp(dot.stamp());
            writeMetadata(w, dot.metadata());
        });
        writeClock(w, element.clock());
        writeClock(w, element.removers());
        w.varint(element.deferred().size());
        element.deferred().forEach((tag, stamp) -> w.string(tag).stamp(stamp));
        return w.toBytes();
    }

    public OrElement<ContentMetadata> decodeElement(byte[] bytes) {
        if (BinaryValues.isJson(bytes)) {
            return element(Json.parse(bytes));
        }
        BinaryValues.Reader r = new BinaryValues.Reader(bytes, ELEMENT, "watchlist item");
        Map<String, OrElement.Dot<ContentMetadata>> live = new TreeMap<>();
        for (int i = r.count(); i > 0; i--) {
            live.put(r.string(), new OrElement.Dot<>(r.stamp(), readMetadata(r)));
        }
        Map<String, Long> clock = readClock(r);
        Map<String, Long> removers = readClock(r);
        Map<String, Stamp> deferred = new TreeMap<>();
        for (int i = r.count(); i > 0; i--) {
            deferred.put(r.string(), r.stamp());
        }
        r.end();
        return OrElement.of(live, clock, deferred, removers, policy);
    }

    private static void writeMetadata(BinaryValues.Writer w, ContentMetadata m) {
        w.optionalString(m.title()).bool(m.year() != null);
        if (m.year() != null) {
            w.int32(m.year());
        }
        w.optionalString(m.posterUrl()).optionalString(m.contentType());
    }

    private static ContentMetadata readMetadata(BinaryValues.Reader r) {
        String title = r.optionalString();
        Integer year = r.bool() ? r.int32() : null;
        ContentMetadata m = new ContentMetadata(title, year, r.optionalString(), r.optionalString());
        return m.isEmpty() ? ContentMetadata.NONE : m;
    }

    private static void writeClock(BinaryValues.Writer w, Map<String, Long> clock) {
        w.varint(clock.size());
        clock.forEach((device, hlc) -> w.string(device).i64(hlc));
    }

    private static Map<String, Long> readClock(BinaryValues.Reader r) {
        Map<String, Long> clock = new TreeMap<>();
        for (int i = r.count(); i > 0; i--) {
            clock.put(r.string(), r.i64());
        }
        return clock;
    }

    ObjectNode elementNode(OrElement<ContentMetadata> element) {
        ObjectNode node = Json.object();
        ObjectNode live = node.putObject("live");
        element.live().forEach((tag, dot) -> {
            ObjectNode d = live.putObject(tag);
            putStamp(d, dot.stamp());
            if (!dot.metadata().isEmpty()) {
                d.set("content_metadata", metadataNode(dot.metadata()));
            }
        });
        ObjectNode clock = node.putObject("clock");
        element.clock().forEach((device, hlc) -> putHlc(clock, device, hlc));
        ObjectNode removers = node.putObject("removers");
        element.removers().forEach((device, hlc) -> putHlc(removers, device, hlc));
        if (!element.deferred().isEmpty()) {
            ObjectNode deferred = node.putObject("deferred");
            element.deferred().forEach((tag, stamp) -> putStamp(deferred.putObject(tag), stamp));
        }
        return node;
    }

    OrElement<ContentMetadata> element(JsonNode node) {
        Map<String, OrElement.Dot<ContentMetadata>> live = new TreeMap<>();
        Fields.object(node, "live").fields().forEachRemaining(e -> live.put(e.getKey(),
                new OrElement.Dot<>(Fields.stamp(e.getValue()), metadata(e.getValue().get("content_metadata")))));
        Map<String, Long> clock = new TreeMap<>();
        JsonNode clockNode = Fields.object(node, "clock");
        clockNode.fieldNames().forEachRemaining(device -> clock.put(device, Fields.hlc(clockNode, device)));
        Map<String, Long> removers = new TreeMap<>();
        JsonNode removersNode = Fields.object(node, "removers");
        removersNode.fieldNames().forEachRemaining(device -> removers.put(device, Fields.hlc(removersNode, device)));
        Map<String, Stamp> deferred = new TreeMap<>();
        if (node.has("deferred")) {
            Fields.object(node, "deferred").fields().forEachRemaining(e -> deferred.put(e.getKey(), Fields.stamp(e.getValue())));
        }
        return OrElement.of(live, clock, deferred, removers, policy);
    }

    public static ObjectNode metadataNode(ContentMetadata m) {
        ObjectNode node = Json.object();
        putIfNotNull(node, "title", m.title());
        if (m.year() != null) {
            node.put("year", m.year());
        }
        putIfNotNull(node, "poster_url", m.posterUrl());
        putIfNotNull(node, "content_type", m.contentType());
        return node;
    }

    public static ContentMetadata metadata(JsonNode node) {
        if (node == null || node.isNull()) {
            return ContentMetadata.NONE;
        }
        if (!node.isObject()) {
            throw new CodecException("'content_metadata' must be an object");
        }
        JsonNode year = node.get("year");
        if (year != null && !year.isNull() && !(year.isIntegralNumber() && year.canConvertToInt())) {
            throw new CodecException("'content_metadata.year' must be an integer");
        }
        return new ContentMetadata(Fields.optionalText(node, "title"),
                year == null || year.isNull() ? null : year.asInt(),
                Fields.optionalText(node, "poster_url"), Fields.optionalText(node, "content_type"));
    }

    // ---- progress

    public byte[] encodeProgress(LwwRegister<PlaybackPosition> register) {
        PlaybackPosition p = register.value();
        return new BinaryValues.Writer(PROGRESS, 64).f64(p.positionSeconds()).f64(p.durationSeconds())
                .u8(stateCode(p.state())).optionalString(p.deviceType()).optionalString(p.platformId())
                .stamp(register.stamp()).toBytes();
    }

    ObjectNode progressNode(LwwRegister<PlaybackPosition> register) {
        ObjectNode node = positionNode(register.value());
        putStamp(node, register.stamp());
        return node;
    }

    public LwwRegister<PlaybackPosition> decodeProgress(byte[] bytes) {
        if (BinaryValues.isJson(bytes)) {
            JsonNode node = Json.parse(bytes);
            return LwwRegister.of(position(node), Fields.stamp(node));
        }
        BinaryValues.Reader r = new BinaryValues.Reader(bytes, PROGRESS, "progress register");
        PlaybackPosition position;
        try {
            position = new PlaybackPosition(r.f64(), r.f64(), state(r.u8()), r.optionalString(), r.optionalString());
        } catch (IllegalArgumentException e) {
            throw new CodecException("the stored progress is invalid: " + e.getMessage(), e);
        }
        LwwRegister<PlaybackPosition> register = LwwRegister.of(position, r.stamp());
        r.end();
        return register;
    }

    /** Fixed codes, not ordinals: a new state must not renumber those already stored. */
    private static int stateCode(PlaybackState state) {
        return switch (state) {
            case PLAYING -> 0;
            case PAUSED -> 1;
            case STOPPED -> 2;
            case REMOVED -> 3;
        };
    }

    private static PlaybackState state(int code) {
        return switch (code) {
            case 0 -> PlaybackState.PLAYING;
            case 1 -> PlaybackState.PAUSED;
            case 2 -> PlaybackState.STOPPED;
            case 3 -> PlaybackState.REMOVED;
            default -> throw new CodecException("the stored progress has an unknown state " + code);
        };
    }

    public static ObjectNode positionNode(PlaybackPosition p) {
        ObjectNode node = Json.object();
        node.put("position_seconds", p.positionSeconds());
        node.put("duration_seconds", p.durationSeconds());
        node.put("state", p.state().wireName());
        putIfNotNull(node, "device_type", p.deviceType());
        putIfNotNull(node, "platform_id", p.platformId());
        return node;
    }

    static PlaybackPosition position(JsonNode node) {
        PlaybackState state = PlaybackState.parseStored(Fields.text(node, "state"))
                .orElseThrow(() -> new CodecException("'state' must be Playing, Paused or Stopped"));
        try {
            return new PlaybackPosition(Fields.number(node, "position_seconds"), Fields.number(node, "duration_seconds"),
                    state, Fields.optionalText(node, "device_type"), Fields.optionalText(node, "platform_id"));
        } catch (IllegalArgumentException e) {
            throw new CodecException(e.getMessage(), e);
        }
    }

    // ---- preferences

    public byte[] encodePreference(LwwRegister<PreferenceValue> register) {
        return new BinaryValues.Writer(PREFERENCE, 48 + register.value().canonicalJson().length())
                .string(register.value().canonicalJson()).stamp(register.stamp()).toBytes();
    }

    ObjectNode preferenceNode(LwwRegister<PreferenceValue> register) {
        ObjectNode node = Json.object();
        node.set("value", Json.parse(register.value().canonicalJson()));
        putStamp(node, register.stamp());
        return node;
    }

    public LwwRegister<PreferenceValue> decodePreference(byte[] bytes) {
        if (BinaryValues.isJson(bytes)) {
            JsonNode node = Json.parse(bytes);
            return LwwRegister.of(new PreferenceValue(Json.string(Fields.present(node, "value"))), Fields.stamp(node));
        }
        BinaryValues.Reader r = new BinaryValues.Reader(bytes, PREFERENCE, "preference register");
        LwwRegister<PreferenceValue> register = LwwRegister.of(new PreferenceValue(r.string()), r.stamp());
        r.end();
        return register;
    }

    // ---- what a device plays, and the command a handoff becomes

    public byte[] encodeNowPlaying(NowPlaying playing) {
        return new BinaryValues.Writer(NOW_PLAYING, 48).i64(playing.hlc()).string(playing.contentId()).toBytes();
    }

    public NowPlaying decodeNowPlaying(byte[] bytes) {
        if (BinaryValues.isJson(bytes)) {
            JsonNode node = Json.parse(bytes);
            return new NowPlaying(Fields.integer(node, "hlc"), Fields.text(node, "content_id"));
        }
        BinaryValues.Reader r = new BinaryValues.Reader(bytes, NOW_PLAYING, "now-playing entry");
        NowPlaying playing = new NowPlaying(r.i64(), r.string());
        r.end();
        return playing;
    }

    /** The parameters of the {@code LoadContent} command a handoff becomes. */
    public static PreferenceValue loadContentParams(String contentId, double startPosition) {
        ObjectNode params = Json.object();
        params.put("content_id", contentId);
        params.put("start_position", startPosition);
        return new PreferenceValue(Json.string(params));
    }

    // ---- devices

    public byte[] encodeDevice(DeviceRecord record) {
        BinaryValues.Writer w = new BinaryValues.Writer(DEVICE, 160);
        w.bool(record.info().isPresent());
        record.info().ifPresent(info -> {
            writeInfo(w, info.value());
            w.stamp(info.stamp());
        });
        w.u8(presenceCode(record.presence().value())).stamp(record.presence().stamp()).i64(record.lastSeenMs())
                .optionalStamp(record.joined()).optionalStamp(record.removed());
        if (record.region() != null) {
            w.string(record.region()); // regions only (contract §16): a record of one region is as it always was
        }
        return w.toBytes();
    }

    public DeviceRecord decodeDevice(byte[] bytes) {
        if (BinaryValues.isJson(bytes)) {
            return device(Json.parse(bytes));
        }
        BinaryValues.Reader r = new BinaryValues.Reader(bytes, DEVICE, "device record");
        Optional<LwwRegister<DeviceInfo>> info = r.bool() ? Optional.of(LwwRegister.of(readInfo(r), r.stamp()))
                : Optional.empty();
        LwwRegister<Presence> presence = LwwRegister.of(presence(r.u8()), r.stamp());
        DeviceRecord record = new DeviceRecord(info, presence, r.i64(), r.optionalStamp(), r.optionalStamp(),
                r.more() ? r.string() : null);
        r.end();
        return record;
    }

    private static void writeInfo(BinaryValues.Writer w, DeviceInfo info) {
        Capabilities c = info.capabilities();
        w.optionalString(info.deviceType()).optionalString(info.platform())
                .optionalString(c.maxResolution()).strings(c.audioCodecs()).strings(c.hdrSupport())
                .bool(c.remoteControllable()).bool(c.canCast()).optionalDouble(c.screenSize())
                .optionalString(info.appVersion()).optionalString(info.deviceName()).optionalDouble(info.batteryLevel())
                .optionalString(info.networkQuality());
    }

    private static DeviceInfo readInfo(BinaryValues.Reader r) {
        String type = r.optionalString();
        String platform = r.optionalString();
        Capabilities capabilities = new Capabilities(r.optionalString(), r.strings(), r.strings(), r.bool(), r.bool(),
                r.optionalDouble());
        return new DeviceInfo(type, platform, capabilities, r.optionalString(), r.optionalString(), r.optionalDouble(),
                r.optionalString());
    }

    /** Fixed codes, not ordinals (see {@link #stateCode}). */
    private static int presenceCode(Presence presence) {
        return switch (presence) {
            case ONLINE -> 0;
            case BACKGROUND -> 1;
            case OFFLINE_TIMEOUT -> 2;
            case OFFLINE_LEAVE -> 3;
        };
    }

    private static Presence presence(int code) {
        return switch (code) {
            case 0 -> Presence.ONLINE;
            case 1 -> Presence.BACKGROUND;
            case 2 -> Presence.OFFLINE_TIMEOUT;
            case 3 -> Presence.OFFLINE_LEAVE;
            default -> throw new CodecException("the stored device has an unknown presence " + code);
        };
    }

    ObjectNode deviceNode(DeviceRecord record) {
        ObjectNode node = Json.object();
        record.info().ifPresent(info -> {
            ObjectNode i = infoNode(info.value());
            putStamp(i, info.stamp());
            node.set("info", i);
        });
        ObjectNode presence = node.putObject("presence");
        presence.put("value", record.presence().value().name());
        putStamp(presence, record.presence().stamp());
        node.put("last_seen_ms", record.lastSeenMs());
        putOptionalStamp(node, "joined", record.joined());
        putOptionalStamp(node, "removed", record.removed());
        return node;
    }

    DeviceRecord device(JsonNode node) {
        Optional<LwwRegister<DeviceInfo>> info = Optional.ofNullable(node.get("info"))
                .filter(n -> !n.isNull())
                .map(n -> LwwRegister.of(info(n), Fields.stamp(n)));
        JsonNode p = Fields.object(node, "presence");
        Presence presence;
        try {
            presence = Presence.valueOf(Fields.text(p, "value"));
        } catch (IllegalArgumentException e) {
            throw new CodecException("'presence.value' is not a presence", e);
        }
        Stamp presenceStamp = Fields.stamp(p);
        long lastSeen = Fields.integer(node, "last_seen_ms");
        // A record stored before 'joined' existed joined if it was ever seen (no removal could come before it).
        Stamp joined = node.has("joined") ? optionalStamp(node, "joined")
                : lastSeen != DeviceRecord.NEVER_SEEN ? presenceStamp : null;
        return new DeviceRecord(info, LwwRegister.of(presence, presenceStamp), lastSeen, joined,
                optionalStamp(node, "removed"));
    }

    private static void putOptionalStamp(ObjectNode node, String name, Stamp stamp) {
        if (stamp != null) {
            putStamp(node.putObject(name), stamp);
        }
    }

    /** A stamp a record written before it existed lacks. */
    private static Stamp optionalStamp(JsonNode node, String name) {
        JsonNode n = node.get(name);
        return n == null || n.isNull() ? null : Fields.stamp(n);
    }

    public static ObjectNode infoNode(DeviceInfo info) {
        ObjectNode node = Json.object();
        putIfNotNull(node, "device_type", info.deviceType());
        putIfNotNull(node, "platform", info.platform());
        node.set("capabilities", capabilitiesNode(info.capabilities()));
        putIfNotNull(node, "app_version", info.appVersion());
        putIfNotNull(node, "device_name", info.deviceName());
        putIfNotNull(node, "battery_level", info.batteryLevel());
        putNetworkQuality(node, info.networkQuality());
        return node;
    }

    static DeviceInfo info(JsonNode node) {
        return new DeviceInfo(Fields.optionalText(node, "device_type"), Fields.optionalText(node, "platform"),
                capabilities(node.get("capabilities")), Fields.optionalText(node, "app_version"),
                Fields.optionalText(node, "device_name"), Fields.optionalNumber(node, "battery_level"),
                networkQuality(node));
    }

    public static ObjectNode capabilitiesNode(Capabilities c) {
        ObjectNode node = Json.object();
        putIfNotNull(node, "max_resolution", c.maxResolution());
        putStrings(node, "audio_codecs", c.audioCodecs());
        putStrings(node, "hdr_support", c.hdrSupport());
        node.put("remote_controllable", c.remoteControllable());
        node.put("can_cast", c.canCast());
        putIfNotNull(node, "screen_size", c.screenSize());
        return node;
    }

    /** The specification's 0–5 scale is written as the number it was sent as; a label stays a string. */
    private static void putNetworkQuality(ObjectNode node, String quality) {
        if (quality != null && quality.length() == 1 && quality.charAt(0) >= '0' && quality.charAt(0) <= '5') {
            node.put("network_quality", quality.charAt(0) - '0');
        } else {
            putIfNotNull(node, "network_quality", quality);
        }
    }

    private static String networkQuality(JsonNode node) {
        JsonNode v = node.get("network_quality");
        return v != null && v.isIntegralNumber() ? Long.toString(v.asLong()) : Fields.optionalText(node, "network_quality");
    }

    public static Capabilities capabilities(JsonNode node) {
        if (node == null || node.isNull()) {
            return Capabilities.NONE;
        }
        if (!node.isObject()) {
            throw new CodecException("'capabilities' must be an object");
        }
        return new Capabilities(Fields.optionalText(node, "max_resolution"), Fields.strings(node, "audio_codecs"),
                Fields.strings(node, "hdr_support"), Fields.bool(node, "remote_controllable"),
                Fields.bool(node, "can_cast"), Fields.optionalNumber(node, "screen_size"));
    }

    // ---- notifications (contract §14)

    public byte[] encodeNotification(NotificationState state) {
        BinaryValues.Writer w = new BinaryValues.Writer(NOTIFICATION, 128);
        Notification n = state.notification();
        w.bool(n != null);
        if (n != null) {
            w.optionalString(n.id()).string(n.userId()).string(n.type().wireName()).string(n.title()).string(n.body())
                    .string(n.priority().wireName()).bool(n.expiresAtMs() != null);
            if (n.expiresAtMs() != null) {
                w.i64(n.expiresAtMs());
            }
            w.optionalString(n.dataJson()).i64(state.receivedAtMs());
        }
        return w.optionalStamp(state.read()).optionalStamp(state.dismissed()).toBytes();
    }

    public NotificationState decodeNotification(byte[] bytes) {
        BinaryValues.Reader r = new BinaryValues.Reader(bytes, NOTIFICATION, "notification");
        Notification n = null;
        long receivedAt = 0;
        if (r.bool()) {
            String id = r.optionalString();
            String user = r.string();
            String type = r.string();
            String title = r.string();
            String body = r.string();
            String priority = r.string();
            Long expiresAt = r.bool() ? r.i64() : null;
            n = new Notification(id, user,
                    Notification.Type.parse(type).orElseThrow(() -> new CodecException("unknown notification type " + type)),
                    title, body,
                    Notification.Priority.parse(priority).orElseThrow(() -> new CodecException("unknown priority " + priority)),
                    expiresAt, r.optionalString());
            receivedAt = r.i64();
        }
        NotificationState state;
        try {
            state = new NotificationState(n, receivedAt, r.optionalStamp(), r.optionalStamp());
        } catch (IllegalArgumentException e) {
            throw new CodecException("the stored notification is invalid: " + e.getMessage(), e);
        }
        r.end();
        return state;
    }

    public byte[] encodeNotificationIndex(NotificationIndex index) {
        BinaryValues.Writer w = new BinaryValues.Writer(NOTIFICATION_INDEX, 8 + 40 * index.size());
        w.varint(index.size());
        for (NotificationIndex.Entry e : index.entries()) {
            w.string(e.id()).i64(e.addedAtMs());
        }
        return w.toBytes();
    }

    public NotificationIndex decodeNotificationIndex(byte[] bytes) {
        BinaryValues.Reader r = new BinaryValues.Reader(bytes, NOTIFICATION_INDEX, "notification index");
        int n = r.varint();
        List<NotificationIndex.Entry> entries = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            entries.add(new NotificationIndex.Entry(r.string(), r.i64()));
        }
        r.end();
        return new NotificationIndex(entries);
    }

    // ---- a whole user (snapshots, convergence checks)

    public byte[] encodeUser(UserState state) {
        ObjectNode node = Json.object();
        ObjectNode w = node.putObject("watchlist");
        state.watchlist().forEach((id, e) -> w.set(id, elementNode(e)));
        ObjectNode p = node.putObject("progress");
        state.progress().forEach((id, r) -> p.set(id, progressNode(r)));
        ObjectNode pr = node.putObject("preferences");
        state.preferences().forEach((k, r) -> pr.set(k, preferenceNode(r)));
        ObjectNode d = node.putObject("devices");
        state.devices().forEach((id, r) -> d.set(id, deviceNode(r)));
        return Json.bytes(node);
    }
}
