package io.mediagateway.sync.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.Json.CodecException;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.crdt.Stamp;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading and writing JSON fields, for the codecs and the event parser alike: a missing field is a
 * {@link Missing}, a mistyped one a {@link CodecException}; messages name the field's path.
 */
public final class Fields {
    /** A required field that is absent or null. */
    public static final class Missing extends CodecException {
        private static final long serialVersionUID = 1L;

        Missing(String path) {
            super("'" + path + "' is required");
        }
    }

    private Fields() {
    }

    static void putHlc(ObjectNode node, String name, long hlc) {
        node.put(name, Long.toString(hlc));
    }

    static void putStamp(ObjectNode node, Stamp stamp) {
        putHlc(node, "hlc", stamp.hlc());
        node.put("device_id", stamp.deviceId());
    }

    static void putIfNotNull(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    static void putIfNotNull(ObjectNode node, String name, Double value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    static void putStrings(ObjectNode node, String name, List<String> values) {
        ArrayNode array = node.putArray(name);
        values.forEach(array::add);
    }

    static Stamp stamp(JsonNode node) {
        return new Stamp(hlc(node, "hlc"), text(node, "device_id"));
    }

    /** An HLC written as a string of digits (or, leniently, a number). */
    static long hlc(JsonNode node, String name) {
        JsonNode v = required(node, name);
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.asLong();
        }
        if (v.isTextual()) {
            long parsed = Hlc.parseDecimal(v.asText());
            if (parsed >= 0) {
                return parsed;
            }
        }
        throw new CodecException("'" + name + "' must be an HLC (a string of digits)");
    }

    static String text(JsonNode node, String name) {
        return text(node, name, name);
    }

    /** A required string; {@code path} names it in errors (e.g. {@code command.type}). */
    public static String text(JsonNode node, String name, String path) {
        JsonNode v = required(node, name, path);
        if (!v.isTextual()) {
            throw new CodecException("'" + path + "' must be a string");
        }
        return v.asText();
    }

    static String optionalText(JsonNode node, String name) {
        return optionalText(node, name, Integer.MAX_VALUE);
    }

    /** An optional string of at most {@code maxLength} characters; null when absent. */
    public static String optionalText(JsonNode node, String name, int maxLength) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new CodecException("'" + name + "' must be a string");
        }
        if (v.asText().length() > maxLength) {
            throw new CodecException("'" + name + "' must be at most " + maxLength + " characters");
        }
        return v.asText();
    }

    /** A required finite number (JSON numbers too large for a double are not). */
    public static double finiteNumber(JsonNode node, String name, String path) {
        JsonNode v = required(node, name, path);
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw new CodecException("'" + path + "' must be a number");
        }
        return v.asDouble();
    }

    static double number(JsonNode node, String name) {
        JsonNode v = required(node, name);
        if (!v.isNumber()) {
            throw new CodecException("'" + name + "' must be a number");
        }
        return v.asDouble();
    }

    static Double optionalNumber(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new CodecException("'" + name + "' must be a number");
        }
        return v.asDouble();
    }

    static long integer(JsonNode node, String name) {
        JsonNode v = required(node, name);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new CodecException("'" + name + "' must be an integer");
        }
        return v.asLong();
    }

    static boolean bool(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new CodecException("'" + name + "' must be true or false");
        }
        return v.asBoolean();
    }

    static List<String> strings(JsonNode node, String name) {
        JsonNode v = node.get(name);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw new CodecException("'" + name + "' must be an array of strings");
        }
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw new CodecException("'" + name + "' must be an array of strings");
            }
            out.add(item.asText());
        }
        return out;
    }

    static JsonNode object(JsonNode node, String name) {
        JsonNode v = required(node, name);
        if (!v.isObject()) {
            throw new CodecException("'" + name + "' must be an object");
        }
        return v;
    }

    /** A field that must be there but may be JSON {@code null} (a preference's value may be null). */
    static JsonNode present(JsonNode node, String name) {
        JsonNode v = node == null ? null : node.get(name);
        if (v == null) {
            throw new Missing(name);
        }
        return v;
    }

    static JsonNode required(JsonNode node, String name) {
        return required(node, name, name);
    }

    private static JsonNode required(JsonNode node, String name, String path) {
        JsonNode v = node == null ? null : node.get(name);
        if (v == null || v.isNull()) {
            throw new Missing(path);
        }
        return v;
    }
}
