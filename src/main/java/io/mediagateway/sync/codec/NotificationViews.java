package io.mediagateway.sync.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.Json.CodecException;
import io.mediagateway.sync.model.Notification;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A notification as devices see it (contract §14), in its delta, its WebSocket message and the list of
 * {@code GET /api/v1/notifications} alike: {@code notification_id}, {@code notification_type}, {@code title},
 * {@code body}, {@code priority}, {@code expires_at} (RFC 3339, when it has one), {@code data} (when it has some),
 * {@code created_at} (RFC 3339: when the service stored it) and {@code read}.
 */
public final class NotificationViews {
    private NotificationViews() {
    }

    /** Adds the notification's fields to {@code node}. */
    public static ObjectNode put(ObjectNode node, Notification n, long storedAtMs, boolean read) {
        node.put("notification_id", n.id());
        node.put("notification_type", n.type().wireName());
        node.put("title", n.title());
        node.put("body", n.body());
        node.put("priority", n.priority().wireName());
        if (n.expiresAtMs() != null) {
            node.put("expires_at", Instant.ofEpochMilli(n.expiresAtMs()).toString());
        }
        if (n.dataJson() != null) {
            node.set("data", Json.parse(n.dataJson()));
        }
        node.put("created_at", Instant.ofEpochMilli(storedAtMs).toString());
        node.put("read", read);
        return node;
    }

    /** The notification {@link #put} wrote, for {@code user}. */
    static Notification notification(JsonNode node, String user) {
        String type = Fields.text(node, "notification_type");
        String priority = Fields.text(node, "priority");
        JsonNode data = node.get("data");
        return new Notification(Fields.text(node, "notification_id"), user,
                Notification.Type.parse(type).orElseThrow(() -> new CodecException("unknown notification_type " + type)),
                Fields.text(node, "title"), Fields.text(node, "body"),
                Notification.Priority.parse(priority).orElseThrow(() -> new CodecException("unknown priority " + priority)),
                node.has("expires_at") ? instant(node, "expires_at") : null,
                data == null || data.isNull() ? null : Json.canonical(Json.string(data)));
    }

    static long storedAt(JsonNode node) {
        return instant(node, "created_at");
    }

    static long instant(JsonNode node, String field) {
        String raw = Fields.text(node, field);
        try {
            return Instant.parse(raw).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new CodecException("'" + field + "' is not an RFC 3339 instant: " + raw, e);
        }
    }
}
