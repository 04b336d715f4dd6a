package io.mediagateway.sync.codec;

import static io.mediagateway.sync.codec.Fields.putHlc;
import static io.mediagateway.sync.codec.Fields.putIfNotNull;
import static io.mediagateway.sync.codec.Fields.putStrings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.Json.CodecException;
import io.mediagateway.sync.model.CommandType;
import io.mediagateway.sync.model.Delta;
import io.mediagateway.sync.model.PlaybackPosition;
import io.mediagateway.sync.model.PreferenceValue;
import java.util.List;

/**
 * The wire form of deltas (contract §5): {@code msg_type}, {@code user_id}, {@code hlc} (a string),
 * {@code device_id}, {@code delta_id} and the fields of the new state, with sorted properties.
 */
public final class DeltaCodec {
    private DeltaCodec() {
    }

    public static byte[] encode(Delta delta) {
        return Json.bytes(node(delta));
    }

    /** A delta with its place in the user's changes (contract §13): {@code cursor}. */
    public static byte[] encode(Delta delta, String cursor) {
        ObjectNode node = node(delta);
        node.put("cursor", cursor);
        return Json.bytes(node);
    }

    public static ObjectNode node(Delta delta) {
        ObjectNode node = Json.object();
        node.put("msg_type", delta.msgType());
        node.put("user_id", delta.userId());
        putHlc(node, "hlc", delta.hlc());
        node.put("device_id", delta.deviceId());
        node.put("delta_id", delta.deltaId());
        if (delta instanceof Delta.Watchlist w) {
            node.put("operation", w.operation());
            node.put("content_id", w.contentId());
            putStrings(node, "unique_tags", w.uniqueTags());
            putStrings(node, "added_tags", w.addedTags());
            putStrings(node, "removed_tags", w.removedTags());
            node.put("present", w.present());
            if (!w.metadata().isEmpty()) {
                node.set("content_metadata", StateCodec.metadataNode(w.metadata()));
            }
        } else if (delta instanceof Delta.Progress p) {
            node.put("content_id", p.contentId());
            node.setAll(StateCodec.positionNode(p.position()));
            node.put("completion_percent", p.position().completionRatio());
            node.put("completed", p.position().completed());
            node.put("resume_position_seconds", p.position().resumePositionSeconds());
        } else if (delta instanceof Delta.ProgressRemoved r) {
            node.put("content_id", r.contentId());
        } else if (delta instanceof Delta.Preference p) {
            node.put("key", p.key());
            node.set("value", Json.parse(p.value().canonicalJson()));
        } else if (delta instanceof Delta.Device d) {
            if (d.info() != null) {
                node.setAll(StateCodec.infoNode(d.info()));
            }
            node.put("online", d.online());
            putIfNotNull(node, "reason", d.reason());
            if (d.lastSeenMs() > 0) {
                node.put("last_seen", d.lastSeenMs());
            }
        } else if (delta instanceof Delta.Command c) {
            node.put("target_device_id", c.targetDeviceId());
            ObjectNode command = node.putObject("command");
            command.put("type", c.type().wireName());
            command.set("params", Json.parse(c.params().canonicalJson()));
            node.put("expires_at", c.expiresAtMicros());
            putIfNotNull(node, "reason", c.reason());
        } else if (delta instanceof Delta.NotificationShown n) {
            NotificationViews.put(node, n.notification(), n.storedAtMs(), n.read());
        } else if (delta instanceof Delta.NotificationStatus s) {
            node.put("notification_id", s.notificationId());
        }
        return node;
    }

    /** A list field that deltas written before it existed lack. */
    private static List<String> optionalStrings(JsonNode n, String field) {
        return n.has(field) ? Fields.strings(n, field) : List.of();
    }

    /**
     * A delta as the WebSocket pushes it, and its {@code cursor} (null for a delta written before cursors);
     * {@code expiresAtMs} is a notification's expiry (null for any other delta, or a notification without one).
     */
    public record Push(String message, String cursor, Long expiresAtMs) {
        /** Whether it is a notification that has expired at {@code nowMs}: never delivered (contract §14). */
        public boolean expiredAt(long nowMs) {
            return expiresAtMs != null && expiresAtMs <= nowMs;
        }
    }

    /**
     * A delta as the WebSocket pushes it (contract §7): {@code {"type":"<msg_type>", …the delta's fields}}, read
     * as it was written, whatever fields a newer version added to it; with its cursor read on the way.
     */
    public static Push push(byte[] delta) {
        JsonNode node = Json.parse(delta);
        if (!node.isObject() || !node.path("msg_type").isTextual()) {
            throw new CodecException("a delta is a JSON object with a 'msg_type'");
        }
        ObjectNode message = Json.object();
        message.put("type", node.get("msg_type").asText());
        message.setAll((ObjectNode) node);
        JsonNode cursor = node.get("cursor");
        Long expiresAt = "notification".equals(node.get("msg_type").asText()) && node.has("expires_at")
                ? NotificationViews.instant(node, "expires_at") : null;
        return new Push(Json.string(message), cursor != null && cursor.isTextual() ? cursor.asText() : null, expiresAt);
    }

    public static Delta decode(byte[] bytes) {
        JsonNode n = Json.parse(bytes);
        String type = Fields.text(n, "msg_type");
        String user = Fields.text(n, "user_id");
        long hlc = Fields.hlc(n, "hlc");
        String device = Fields.text(n, "device_id");
        String id = Fields.text(n, "delta_id");
        return switch (type) {
            case "watchlist_update" -> new Delta.Watchlist(user, hlc, device, id, Fields.text(n, "operation"),
                    Fields.text(n, "content_id"), Fields.strings(n, "unique_tags"), Fields.bool(n, "present"),
                    StateCodec.metadata(n.get("content_metadata")), optionalStrings(n, "added_tags"),
                    optionalStrings(n, "removed_tags"));
            case "watch_progress_update" -> {
                PlaybackPosition position = StateCodec.position(n);
                yield new Delta.Progress(user, hlc, device, id, Fields.text(n, "content_id"), position);
            }
            case "progress_removed" -> new Delta.ProgressRemoved(user, hlc, device, id, Fields.text(n, "content_id"));
            case "preference_update" -> new Delta.Preference(user, hlc, device, id, Fields.text(n, "key"),
                    new PreferenceValue(Json.string(Fields.present(n, "value"))));
            case "device_online", "device_offline", "device_updated", "device_removed" -> new Delta.Device(type, user, hlc, device, id,
                    n.has("capabilities") ? StateCodec.info(n) : null, Fields.bool(n, "online"),
                    Fields.optionalText(n, "reason"), n.has("last_seen") ? Fields.integer(n, "last_seen") : 0L);
            case "remote_command", "command_rejected" -> {
                JsonNode command = Fields.object(n, "command");
                CommandType commandType = CommandType.parse(Fields.text(command, "type"))
                        .orElseThrow(() -> new CodecException("'command.type' is not a command type"));
                yield new Delta.Command(type, user, hlc, device, id, Fields.text(n, "target_device_id"), commandType,
                        new PreferenceValue(Json.string(Fields.required(command, "params"))),
                        Fields.integer(n, "expires_at"), Fields.optionalText(n, "reason"));
            }
            case "notification" -> new Delta.NotificationShown(user, hlc, device, id, NotificationViews.notification(n, user),
                    NotificationViews.storedAt(n), Fields.bool(n, "read"));
            case Delta.NotificationStatus.READ, Delta.NotificationStatus.DISMISSED -> new Delta.NotificationStatus(type, user,
                    hlc, device, id, Fields.text(n, "notification_id"));
            case "user_erased" -> new Delta.UserErased(user, hlc, device, id);
            default -> throw new CodecException("unknown msg_type '" + type + "'");
        };
    }
}
