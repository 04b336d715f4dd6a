package io.mediagateway.sync.ingest;

import static io.mediagateway.sync.deadletter.RejectReason.INVALID_JSON;
import static io.mediagateway.sync.deadletter.RejectReason.INVALID_USER_ID;
import static io.mediagateway.sync.deadletter.RejectReason.USER_MISMATCH;
import static io.mediagateway.sync.ingest.FieldRules.checkLimits;
import static io.mediagateway.sync.ingest.FieldRules.hasControlChars;
import static io.mediagateway.sync.ingest.FieldRules.invalid;
import static io.mediagateway.sync.ingest.FieldRules.optionalText;
import static io.mediagateway.sync.ingest.FieldRules.shorten;
import static io.mediagateway.sync.ingest.FieldRules.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.model.Identifiers;
import io.mediagateway.sync.model.Notification;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/**
 * Parses and validates one notification (contract §14), from {@code POST /api/v1/notifications} and from the
 * topic {@code sync.notifications} alike, so both accept exactly the same notifications. Every rule broken is a
 * {@link RejectedException} whose reason is the dead-letter code and whose message names the field. Stateless.
 */
public final class NotificationParser {

    /** Parses a record of {@code sync.notifications}: its key is the user, its timestamp when it was sent. */
    public Notification parse(byte[] value, String keyUserId, long sentAtMs) {
        return parse(FieldRules.readJson(value, EventParser.MAX_RECORD_BYTES), keyUserId, sentAtMs);
    }

    /**
     * Parses a notification already read as JSON.
     *
     * @param keyUserId the user the record is keyed by, or null (a REST request: {@code user_id} is then required)
     * @param sentAtMs  when it was sent: an {@code expires_at} not after it is refused
     */
    public Notification parse(JsonNode node, String keyUserId, long sentAtMs) {
        if (node == null || !node.isObject()) {
            throw new RejectedException(INVALID_JSON, "a notification must be a JSON object");
        }
        checkLimits(node);
        String userId = keyUserId == null ? text(node, "user_id") : optionalText(node, "user_id", Identifiers.MAX_USER_ID);
        if (keyUserId != null && userId != null && !userId.equals(keyUserId)) {
            throw new RejectedException(USER_MISMATCH, "'user_id' is '" + shorten(userId) + "' but the record key is '"
                    + shorten(keyUserId) + "'");
        }
        String user = keyUserId != null ? keyUserId : userId;
        if (!Identifiers.isUserId(user)) {
            throw new RejectedException(INVALID_USER_ID, "'user_id' must be " + Identifiers.USER_ID_RULE);
        }
        String rawType = text(node, "notification_type");
        Notification.Type type = Notification.Type.parse(rawType).orElseThrow(() -> invalid("notification_type",
                "must be one of " + Arrays.stream(Notification.Type.values()).map(Notification.Type::wireName).toList()
                        + ", not '" + shorten(rawType) + "'"));
        String title = text(node, "title");
        if (title.isBlank() || title.length() > Notification.MAX_TITLE || hasControlChars(title)) {
            throw invalid("title", "must be 1-" + Notification.MAX_TITLE + " characters, not blank, no control characters");
        }
        String body = text(node, "body");
        if (body.length() > Notification.MAX_BODY) {
            throw invalid("body", "must be at most " + Notification.MAX_BODY + " characters");
        }
        String rawPriority = text(node, "priority");
        Notification.Priority priority = Notification.Priority.parse(rawPriority).orElseThrow(() -> invalid("priority",
                "must be one of " + Arrays.stream(Notification.Priority.values()).map(Notification.Priority::wireName).toList()
                        + ", not '" + shorten(rawPriority) + "'"));
        Long expiresAt = expiresAt(node, sentAtMs);
        String data = data(node);
        String id = optionalText(node, "notification_id", Notification.MAX_ID);
        if (id != null) {
            FieldRules.notificationId(id);
        }
        return new Notification(id, user, type, title, body, priority, expiresAt, data);
    }

    private static Long expiresAt(JsonNode node, long sentAtMs) {
        String raw = optionalText(node, "expires_at", 64);
        if (raw == null) {
            return null;
        }
        long at;
        try {
            at = OffsetDateTime.parse(raw).toInstant().toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw invalid("expires_at", "must be an RFC 3339 date-time with an offset (e.g. 2026-12-13T00:00:00Z), not '"
                    + shorten(raw) + "'");
        }
        if (at <= sentAtMs) {
            throw invalid("expires_at", "is in the past (" + raw + "): the notification would never be shown");
        }
        return at;
    }

    private static String data(JsonNode node) {
        JsonNode data = node.get("data");
        if (data == null || data.isNull()) {
            return null;
        }
        if (!data.isObject()) {
            throw invalid("data", "must be a JSON object");
        }
        return Json.canonical(Json.string(data));
    }
}
