package io.mediagateway.sync.ingest;

import static io.mediagateway.sync.deadletter.RejectReason.INVALID_FIELD;
import static io.mediagateway.sync.deadletter.RejectReason.INVALID_JSON;
import static io.mediagateway.sync.deadletter.RejectReason.MISSING_FIELD;
import static io.mediagateway.sync.deadletter.RejectReason.OVERSIZED;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.codec.Fields;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.codec.Json.CodecException;
import io.mediagateway.sync.codec.JsonLimits;
import io.mediagateway.sync.model.Notification;
import io.mediagateway.sync.model.Unicode;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The field rules every ingest parser applies (events, notifications, broadcasts): a field read by the
 * codec's rules, its failure turned into the dead-letter reason it is — {@code missing_field} or
 * {@code invalid_field} — with a message that names the field.
 */
final class FieldRules {
    private FieldRules() {
    }

    /** A record's value read as JSON: null, over {@code maxBytes} or not JSON are each the reason they are. */
    static JsonNode readJson(byte[] value, int maxBytes) {
        if (value == null) {
            throw new RejectedException(INVALID_JSON, "the record has no value (null)");
        }
        if (value.length > maxBytes) {
            throw new RejectedException(OVERSIZED, "the record is " + value.length + " bytes; the limit is " + maxBytes);
        }
        try {
            return Json.parse(value);
        } catch (Json.NestingException e) {
            throw new RejectedException(INVALID_FIELD, e.getMessage());
        } catch (CodecException e) {
            throw new RejectedException(INVALID_JSON, e.getMessage());
        }
    }

    /**
     * Every field, whatever its kind, keeps to the limits of any stored value (§18): nesting and valid
     * Unicode. Checked before the field rules, so no field can carry a value a later read cannot write out.
     */
    static void checkLimits(JsonNode node) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!Unicode.isValid(field.getKey())) {
                throw new RejectedException(INVALID_FIELD, "a field name is not valid Unicode (it holds a lone surrogate)");
            }
            Optional<JsonLimits.Violation> violation = JsonLimits.check(field.getValue());
            if (violation.isPresent()) {
                throw invalid(shorten(field.getKey()), violation.get().problem());
            }
        }
    }

    static String text(JsonNode node, String name) {
        return text(node, name, name);
    }

    static String text(JsonNode node, String name, String path) {
        return field(() -> Fields.text(node, name, path));
    }

    static String optionalText(JsonNode node, String name, int maxLength) {
        return field(() -> Fields.optionalText(node, name, maxLength));
    }

    static double number(JsonNode node, String name) {
        return number(node, name, name);
    }

    static double number(JsonNode node, String name, String path) {
        return field(() -> Fields.finiteNumber(node, name, path));
    }

    /** A field read by the codec's rules, its failure as the dead-letter reason it is. */
    static <T> T field(Supplier<T> read) {
        try {
            return read.get();
        } catch (Fields.Missing e) {
            throw new RejectedException(MISSING_FIELD, e.getMessage());
        } catch (CodecException e) {
            throw new RejectedException(INVALID_FIELD, e.getMessage());
        }
    }

    static Double optionalNumber(JsonNode node, String name) {
        return node.hasNonNull(name) ? number(node, name) : null;
    }

    static boolean hasControlChars(String s) {
        return s.codePoints().anyMatch(Character::isISOControl);
    }

    /** A {@code notification_id} (contract §14): 1-128 printable characters. */
    static String notificationId(String id) {
        if (id.isEmpty() || id.length() > Notification.MAX_ID || hasControlChars(id)) {
            throw invalid("notification_id", "must be 1-" + Notification.MAX_ID + " printable characters");
        }
        return id;
    }

    static RejectedException invalid(String field, String rule) {
        return new RejectedException(INVALID_FIELD, "'" + field + "' " + rule);
    }

    static String shorten(String s) {
        return Unicode.shorten(s, 64);
    }
}
