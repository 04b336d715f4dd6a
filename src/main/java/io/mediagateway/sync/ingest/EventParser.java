package io.mediagateway.sync.ingest;

import static io.mediagateway.sync.deadletter.RejectReason.INVALID_CONTENT_ID;
import static io.mediagateway.sync.deadletter.RejectReason.INVALID_DEVICE_ID;
import static io.mediagateway.sync.deadletter.RejectReason.INVALID_FIELD;
import static io.mediagateway.sync.deadletter.RejectReason.INVALID_JSON;
import static io.mediagateway.sync.deadletter.RejectReason.MISSING_FIELD;
import static io.mediagateway.sync.deadletter.RejectReason.UNKNOWN_MSG_TYPE;
import static io.mediagateway.sync.deadletter.RejectReason.USER_MISMATCH;
import static io.mediagateway.sync.ingest.FieldRules.checkLimits;
import static io.mediagateway.sync.ingest.FieldRules.field;
import static io.mediagateway.sync.ingest.FieldRules.hasControlChars;
import static io.mediagateway.sync.ingest.FieldRules.invalid;
import static io.mediagateway.sync.ingest.FieldRules.number;
import static io.mediagateway.sync.ingest.FieldRules.optionalNumber;
import static io.mediagateway.sync.ingest.FieldRules.optionalText;
import static io.mediagateway.sync.ingest.FieldRules.shorten;
import static io.mediagateway.sync.ingest.FieldRules.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.codec.Json.CodecException;
import io.mediagateway.sync.codec.StateCodec;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.model.Capabilities;
import io.mediagateway.sync.model.CommandType;
import io.mediagateway.sync.model.ContentMetadata;
import io.mediagateway.sync.model.DeviceInfo;
import io.mediagateway.sync.model.Identifiers;
import io.mediagateway.sync.model.PlaybackPosition;
import io.mediagateway.sync.model.PlaybackState;
import io.mediagateway.sync.model.PreferenceValue;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses and validates one event of {@code sync.device-events} (contract §1, §2, §4). Every rule
 * broken is a {@link RejectedException} whose reason is the dead-letter code and whose message names
 * the field. Stateless and thread-safe; the REST and WebSocket writes go through it too, so the API and
 * the topic accept exactly the same events.
 *
 * <p>Why this file is over 300 lines: it is the one parser of every rule of contract §1, §2 and §4 —
 * identifiers, time, each event kind's fields, the §18 limits — kept in one place, in the contract's order, so
 * the rules an event must pass can be read (and compared with the contract) in one file.
 */
public final class EventParser {
    /** Records above this size are rejected ({@code oversized}). */
    public static final int MAX_RECORD_BYTES = 32 * 1024;
    public static final int MAX_PREFERENCE_KEY = 64;
    public static final int MAX_TAG = 128;
    public static final int MAX_MESSAGE_ID = 128;

    public static final Set<String> MSG_TYPES = Set.of("watchlist_update", "watch_progress_update", "preference_update",
            "device_join", "device_heartbeat", "device_leave", "remote_command", "handoff", "progress_remove",
            "device_remove", "notification_read", "notification_dismiss", "user_erase");
    private static final Map<String, String> DEVICE_TYPES = Map.of("tv", "TV", "phone", "Phone", "tablet", "Tablet",
            "web", "Web", "desktop", "Desktop");

    /** Parses a record value. */
    public IngestEvent parse(byte[] value) {
        return parse(FieldRules.readJson(value, MAX_RECORD_BYTES));
    }

    /** An event as an ingress path will produce it: its exact bytes, and what the topology will read from them. */
    public record Accepted(byte[] record, IngestEvent event) {
    }

    /**
     * The final form of an event an ingress path built — the client's fields and whatever the service
     * added (ids, HLC, tags) — serialized and parsed exactly as the topology will parse the record, size
     * first. An ingress acknowledges only what this accepts, so nothing acknowledged is dead-lettered
     * later (contract §18); a refusal carries the reason the topology would have given.
     */
    public Accepted accept(JsonNode event) {
        byte[] record = Json.bytes(event);
        return new Accepted(record, parse(record));
    }

    /**
     * A message a device published on its user's PubNub channel (contract §15), as the ingress produces it: the
     * channel names the user, so a {@code user_id} naming another is refused ({@code user_mismatch}), and the
     * PubNub timetoken is its {@code message_id} (a message taken twice is one event).
     */
    public Accepted acceptPublished(byte[] message, String userId, String messageId) {
        JsonNode node = FieldRules.readJson(message, MAX_RECORD_BYTES);
        if (!(node instanceof ObjectNode event)) {
            throw new RejectedException(INVALID_JSON, "a message must be a JSON object: an event of contract §4");
        }
        JsonNode named = event.get("user_id");
        if (named != null && !named.isNull() && !userId.equals(named.asText())) {
            throw new RejectedException(USER_MISMATCH, "'user_id' is '" + shorten(named.asText()) + "' on a channel of user '"
                    + userId + "': a device publishes only its own user's events");
        }
        event.put("user_id", userId);
        event.put("message_id", messageId);
        return accept(event);
    }

    /** Parses an event already read as JSON. */
    public IngestEvent parse(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new RejectedException(INVALID_JSON, "an event must be a JSON object");
        }
        checkLimits(node);
        String msgType = text(node, "msg_type");
        if (!MSG_TYPES.contains(msgType)) {
            throw new RejectedException(UNKNOWN_MSG_TYPE, "unknown msg_type '" + shorten(msgType) + "'; expected one of "
                    + MSG_TYPES.stream().sorted().toList());
        }
        String deviceId = deviceId(node, "device_id");
        long hlc = eventHlc(node);
        String messageId = optionalText(node, "message_id", MAX_MESSAGE_ID);
        String userId = optionalText(node, "user_id", 64);
        IngestEvent.Payload payload = switch (msgType) {
            case "watchlist_update" -> watchlist(node);
            case "watch_progress_update" -> progress(node);
            case "preference_update" -> preference(node);
            case "device_join" -> new IngestEvent.DeviceSeen(deviceInfo(node, true), background(node));
            case "device_heartbeat" -> new IngestEvent.DeviceSeen(deviceInfo(node, false), background(node));
            case "device_leave" -> new IngestEvent.DeviceLeave();
            case "progress_remove" -> new IngestEvent.ProgressRemove(contentId(node, "content_id"));
            case "device_remove" -> new IngestEvent.DeviceRemove(deviceId(node, "target_device_id"));
            case "remote_command" -> command(node);
            case "handoff" -> new IngestEvent.Handoff(deviceId(node, "target_device_id"), contentId(node, "content_id"));
            case "notification_read" -> new IngestEvent.NotificationMark(notificationId(node), false);
            case "notification_dismiss" -> new IngestEvent.NotificationMark(notificationId(node), true);
            case "user_erase" -> new IngestEvent.UserErase();
            default -> throw new IllegalStateException(msgType);
        };
        return new IngestEvent(msgType, deviceId, hlc, messageId, userId, payload);
    }

    // ---- event kinds


    /** A notification's id (contract §14): 1-128 printable characters, as {@link NotificationParser} takes it. */
    private static String notificationId(JsonNode node) {
        return FieldRules.notificationId(text(node, "notification_id"));
    }
    private static IngestEvent.Payload watchlist(JsonNode node) {
        String operation = text(node, "operation");
        String contentId = contentId(node, "content_id");
        switch (operation.toLowerCase(Locale.ROOT)) {
            case "add" -> {
                String tag = optionalText(node, "unique_tag", MAX_TAG);
                if (tag != null && (tag.isEmpty() || hasControlChars(tag))) {
                    throw invalid("unique_tag", "must be 1-" + MAX_TAG + " printable characters");
                }
                ContentMetadata metadata;
                try {
                    metadata = StateCodec.metadata(node.get("content_metadata"));
                } catch (CodecException e) {
                    throw new RejectedException(INVALID_FIELD, e.getMessage());
                }
                return new IngestEvent.WatchlistAdd(contentId, tag, metadata);
            }
            case "remove" -> {
                JsonNode observed = node.get("observed_tags");
                List<String> tags = null;
                if (observed != null && !observed.isNull()) {
                    if (!observed.isArray()) {
                        throw invalid("observed_tags", "must be an array of tags");
                    }
                    tags = new ArrayList<>(observed.size());
                    for (JsonNode tag : observed) {
                        if (!tag.isTextual() || tag.asText().isEmpty() || tag.asText().length() > MAX_TAG) {
                            throw invalid("observed_tags", "must be an array of tags (strings of 1-" + MAX_TAG + " chars)");
                        }
                        tags.add(tag.asText());
                    }
                }
                return new IngestEvent.WatchlistRemove(contentId, tags);
            }
            default -> throw invalid("operation", "must be Add or Remove (any case), not '" + shorten(operation) + "'");
        }
    }

    private static IngestEvent.Payload progress(JsonNode node) {
        String contentId = contentId(node, "content_id");
        String positionField = node.hasNonNull("progress_seconds") ? "progress_seconds" : "position_seconds";
        double position = number(node, positionField);
        if (!(position >= 0)) {
            throw invalid(positionField, "must be ≥ 0");
        }
        double duration = number(node, "duration_seconds");
        if (!(duration > 0)) {
            throw invalid("duration_seconds", "must be > 0");
        }
        PlaybackState state = PlaybackState.PAUSED;
        String rawState = optionalText(node, "state", 32);
        if (rawState != null) {
            state = PlaybackState.parse(rawState).orElseThrow(
                    () -> invalid("state", "must be Playing, Paused or Stopped (any case), not '" + rawState + "'"));
        }
        PlaybackPosition p = new PlaybackPosition(position, duration, state, optionalText(node, "device_type", 32),
                optionalText(node, "platform_id", 128));
        return new IngestEvent.ProgressWrite(contentId, p);
    }

    private static IngestEvent.Payload preference(JsonNode node) {
        String key = text(node, "key");
        if (key.isEmpty() || key.length() > MAX_PREFERENCE_KEY || hasControlChars(key)) {
            throw invalid("key", "must be 1-" + MAX_PREFERENCE_KEY + " printable characters");
        }
        if (!node.has("value")) {
            throw new RejectedException(MISSING_FIELD, "'value' is required");
        }
        String canonical = Json.string(node.get("value"));
        int size = canonical.getBytes(StandardCharsets.UTF_8).length;
        if (size > PreferenceValue.MAX_BYTES) {
            throw invalid("value", "is " + size + " bytes of JSON; the limit is " + PreferenceValue.MAX_BYTES);
        }
        return new IngestEvent.PreferenceWrite(key, new PreferenceValue(canonical));
    }

    /** A join must describe the device; a heartbeat may, and then its description replaces the old one. */
    /** {@code "app_state":"background"} (any case): the device keeps the background timeout (§12). */
    private static boolean background(JsonNode node) {
        String state = optionalText(node, "app_state", 32);
        return state != null && state.equalsIgnoreCase("background");
    }

    private static DeviceInfo deviceInfo(JsonNode node, boolean join) {
        if (!join && !node.hasNonNull("device_type")) {
            return null;
        }
        String rawType = text(node, "device_type");
        String deviceType = DEVICE_TYPES.get(rawType.toLowerCase(Locale.ROOT));
        if (deviceType == null) {
            throw invalid("device_type", "must be one of TV, Phone, Tablet, Web, Desktop, not '" + shorten(rawType) + "'");
        }
        Capabilities capabilities;
        try {
            capabilities = StateCodec.capabilities(node.get("capabilities"));
        } catch (CodecException e) {
            throw new RejectedException(INVALID_FIELD, "in 'capabilities': " + e.getMessage());
        }
        if (capabilities.maxResolution() != null && !Capabilities.RESOLUTIONS.contains(capabilities.maxResolution())) {
            throw invalid("capabilities.max_resolution", "must be one of " + Capabilities.RESOLUTIONS);
        }
        Double battery = optionalNumber(node, "battery_level");
        if (battery != null && (battery < 0 || battery > 1)) {
            throw invalid("battery_level", "must be between 0.0 and 1.0 (the specification's scale)");
        }
        return new DeviceInfo(deviceType, optionalText(node, "platform", 64), capabilities,
                optionalText(node, "app_version", 64), optionalText(node, "device_name", 128), battery,
                networkQuality(node));
    }

    /** An integer 0–5 (the specification's scale, kept as its digit) or a label of at most 32 characters. */
    private static String networkQuality(JsonNode node) {
        JsonNode v = node.get("network_quality");
        if (v != null && v.isNumber()) {
            if (!v.isIntegralNumber() || v.asLong() < 0 || v.asLong() > 5) {
                throw invalid("network_quality", "must be an integer from 0 to 5, or a label");
            }
            return Long.toString(v.asLong());
        }
        return optionalText(node, "network_quality", 32);
    }

    private static IngestEvent.Payload command(JsonNode node) {
        String target = deviceId(node, "target_device_id");
        JsonNode command = node.get("command");
        if (command == null || command.isNull()) {
            throw new RejectedException(MISSING_FIELD, "'command' is required");
        }
        if (command.isTextual()) {
            // The original README's device_command: a bare word, any case (§11).
            String text = command.asText();
            CommandType word = CommandType.parseWord(text).orElseThrow(() -> invalid("command",
                    "as a word must be play, pause, stop, mute or unmute (any case), not '" + shorten(text) + "'"));
            ObjectNode typed = Json.object();
            typed.put("type", word.wireName());
            command = typed;
        }
        if (!command.isObject()) {
            throw invalid("command", "must be an object {type, params} or a word (play, pause, stop, mute, unmute)");
        }
        String rawType = text(command, "type", "command.type");
        CommandType type = CommandType.parse(rawType).orElseThrow(() -> invalid("command.type", "must be one of "
                + Arrays.stream(CommandType.values()).map(CommandType::wireName).toList() + ", not '"
                + shorten(rawType) + "'"));
        JsonNode params = command.get("params");
        if (params == null || params.isNull()) {
            params = Json.object();
        } else if (!params.isObject()) {
            throw invalid("command.params", "must be an object");
        }
        checkParams(type, params);
        long expiresAt = IngestEvent.NO_HLC;
        JsonNode expires = node.get("expires_at");
        if (expires != null && !expires.isNull()) {
            if (!expires.isIntegralNumber() || !expires.canConvertToLong() || expires.asLong() < 0) {
                throw invalid("expires_at", "must be epoch microseconds (an integer)");
            }
            expiresAt = expires.asLong();
        }
        return new IngestEvent.RemoteCommand(target, type, new PreferenceValue(Json.string(params)), expiresAt);
    }

    private static void checkParams(CommandType type, JsonNode params) {
        switch (type) {
            case SEEK -> {
                if (!(number(params, "position_seconds", "command.params.position_seconds") >= 0)) {
                    throw invalid("command.params.position_seconds", "must be ≥ 0");
                }
            }
            case VOLUME_SET -> {
                double level = number(params, "level", "command.params.level");
                if (!(level >= 0 && level <= 1)) {
                    throw invalid("command.params.level", "must be between 0 and 1");
                }
            }
            case LOAD_CONTENT -> {
                contentId(params, "content_id", "command.params.content_id");
                if (params.hasNonNull("start_position")
                        && !(number(params, "start_position", "command.params.start_position") >= 0)) {
                    throw invalid("command.params.start_position", "must be ≥ 0");
                }
            }
            case SWITCH_PROFILE -> {
                String profile = text(params, "profile_id", "command.params.profile_id");
                if (profile.isEmpty() || profile.length() > 128) {
                    throw invalid("command.params.profile_id", "must be 1-128 characters");
                }
            }
            case CAST_TO -> {
                deviceId(params, "target_device_id", "command.params.target_device_id");
                contentId(params, "content_id", "command.params.content_id");
            }
            default -> {
                // Play, Pause, Stop, VolumeMute, VolumeUnmute take no parameters.
            }
        }
    }

    // ---- time (§2)

    private static long eventHlc(JsonNode node) {
        JsonNode hlc = node.get("hlc");
        if (hlc != null && !hlc.isNull()) {
            long value;
            if (hlc.isIntegralNumber() && hlc.canConvertToLong()) {
                value = hlc.asLong();
            } else if (hlc.isTextual()) {
                value = Hlc.parseDecimal(hlc.asText());
            } else {
                value = -1;
            }
            if (!Hlc.isValid(value)) {
                throw invalid("hlc", "must be a non-negative 64-bit HLC as a string of digits (or a number)");
            }
            return value;
        }
        JsonNode ts = node.get("timestamp");
        if (ts == null || ts.isNull()) {
            return IngestEvent.NO_HLC;
        }
        try {
            if (ts.isIntegralNumber() && ts.canConvertToLong() && ts.asLong() >= 0) {
                return Hlc.fromMicros(ts.asLong());
            }
            if (ts.isTextual() && Hlc.parseDecimal(ts.asText()) >= 0) {
                // Microseconds as a string of digits, as the original README's WebSocket messages send them (§11).
                return Hlc.fromMicros(Hlc.parseDecimal(ts.asText()));
            }
            if (ts.isTextual()) {
                OffsetDateTime time = OffsetDateTime.parse(ts.asText());
                return Hlc.pack(time.toInstant().toEpochMilli(), 0);
            }
        } catch (DateTimeParseException | IllegalArgumentException | ArithmeticException e) {
            // fall through to the rejection below
        }
        throw invalid("timestamp", "must be epoch microseconds (an integer) or an RFC 3339 date-time");
    }

    // ---- fields

    private static String deviceId(JsonNode node, String name) {
        return deviceId(node, name, name);
    }

    private static String deviceId(JsonNode node, String name, String path) {
        String id = text(node, name, path);
        if (!Identifiers.isDeviceId(id)) {
            throw new RejectedException(INVALID_DEVICE_ID, "'" + path + "' must be " + Identifiers.DEVICE_ID_RULE
                    + ", not '" + shorten(id) + "'");
        }
        return id;
    }

    private static String contentId(JsonNode node, String name) {
        return contentId(node, name, name);
    }

    private static String contentId(JsonNode node, String name, String path) {
        String id = text(node, name, path);
        if (!Identifiers.isContentId(id)) {
            throw new RejectedException(INVALID_CONTENT_ID, "'" + path + "' must be " + Identifiers.CONTENT_ID_RULE
                    + " (no control characters)");
        }
        return id;
    }
}
