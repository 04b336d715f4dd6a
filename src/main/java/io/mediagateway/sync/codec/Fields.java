package io.mediagateway.sync.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.Json.CodecException;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.crdt.Stamp;
import java.util.ArrayList;
import java.util.List;

/** Reading and writing the fields the codecs share; a missing or mistyped field is a {@link CodecException}. */
final class Fields {
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
        JsonNode v = required(node, name);
        if (!v.isTextual()) {
            throw new CodecException("'" + name + "' must be a string");
        }
        return v.asText();
    }

    static String optionalText(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new CodecException("'" + name + "' must be a string");
        }
        return v.asText();
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
            throw new CodecException("'" + name + "' is required");
        }
        return v;
    }

    static JsonNode required(JsonNode node, String name) {
        JsonNode v = node == null ? null : node.get(name);
        if (v == null || v.isNull()) {
            throw new CodecException("'" + name + "' is required");
        }
        return v;
    }
}
