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
import io.mediagateway.sync.model.NowPlaying;
import io.mediagateway.sync.model.PlaybackPosition;
import io.mediagateway.sync.model.PlaybackState;
import io.mediagateway.sync.model.Presence;
import io.mediagateway.sync.model.PreferenceValue;
import io.mediagateway.sync.model.UserState;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Encodes the state values to JSON and back. Deterministic: properties are sorted and sets are
 * sorted, so equal values give identical bytes (and {@code merge(a, b)}, {@code merge(b, a)} too).
 */
public final class StateCodec {
    private final OrElement.Policy policy;

    public StateCodec(OrElement.Policy policy) {
        this.policy = policy;
    }

    // ---- watchlist element

    public byte[] encodeElement(OrElement<ContentMetadata> element) {
        return Json.bytes(elementNode(element));
    }

    public OrElement<ContentMetadata> decodeElement(byte[] bytes) {
        return element(Json.parse(bytes));
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
        return Json.bytes(progressNode(register));
    }

    ObjectNode progressNode(LwwRegister<PlaybackPosition> register) {
        ObjectNode node = positionNode(register.value());
        putStamp(node, register.stamp());
        return node;
    }

    public LwwRegister<PlaybackPosition> decodeProgress(byte[] bytes) {
        JsonNode node = Json.parse(bytes);
        return LwwRegister.of(position(node), Fields.stamp(node));
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
        return Json.bytes(preferenceNode(register));
    }

    ObjectNode preferenceNode(LwwRegister<PreferenceValue> register) {
        ObjectNode node = Json.object();
        node.set("value", Json.parse(register.value().canonicalJson()));
        putStamp(node, register.stamp());
        return node;
    }

    public LwwRegister<PreferenceValue> decodePreference(byte[] bytes) {
        JsonNode node = Json.parse(bytes);
        return LwwRegister.of(new PreferenceValue(Json.string(Fields.present(node, "value"))), Fields.stamp(node));
    }

    // ---- what a device plays, and the command a handoff becomes

    public byte[] encodeNowPlaying(NowPlaying playing) {
        ObjectNode node = Json.object();
        node.put("hlc", playing.hlc());
        node.put("content_id", playing.contentId());
        return Json.bytes(node);
    }

    public NowPlaying decodeNowPlaying(byte[] bytes) {
        JsonNode node = Json.parse(bytes);
        return new NowPlaying(Fields.integer(node, "hlc"), Fields.text(node, "content_id"));
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
        return Json.bytes(deviceNode(record));
    }

    public DeviceRecord decodeDevice(byte[] bytes) {
        return device(Json.parse(bytes));
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
