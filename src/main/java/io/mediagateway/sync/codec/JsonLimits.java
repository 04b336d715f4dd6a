package io.mediagateway.sync.codec;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.model.Unicode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The rules every JSON value must keep to be stored (contract §18): at most {@link #MAX_DEPTH} levels
 * of nesting, and only valid Unicode in its strings and property names — without U+0000, which the
 * PostgreSQL sink cannot store. A value that keeps them can
 * always be written back out, by this service and by any client's parser; one that does not is refused
 * where it enters and, should one be found in a store written before these rules, reported for that
 * value alone when it is read.
 *
 * <p>The walk stops as soon as the depth passes the limit, so a hostile value costs at most the levels
 * the limit allows.
 */
public final class JsonLimits {
    /** Levels of arrays and objects in one value: {@code "x"} has 0, {@code [1]} 1, {@code {"a":[1]}} 2. */
    public static final int MAX_DEPTH = 32;

    private JsonLimits() {
    }

    /** What is wrong with a value, in words that follow the field's name ("'value' nests …"). */
    public record Violation(String problem) {
    }

    /** The first rule {@code value} breaks, if any. */
    public static Optional<Violation> check(JsonNode value) {
        return Optional.ofNullable(walk(value, 0));
    }

    private static Violation walk(JsonNode node, int depth) {
        if (node.isTextual()) {
            return unicode(node.textValue(), "a string");
        }
        if (!node.isContainerNode()) {
            return null;
        }
        if (depth + 1 > MAX_DEPTH) {
            return new Violation("nests more than " + MAX_DEPTH + " levels of arrays and objects; the limit is " + MAX_DEPTH);
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                Violation v = unicode(field.getKey(), "a property name");
                if (v == null) {
                    v = walk(field.getValue(), depth + 1);
                }
                if (v != null) {
                    return v;
                }
            }
        } else {
            for (JsonNode item : node) {
                Violation v = walk(item, depth + 1);
                if (v != null) {
                    return v;
                }
            }
        }
        return null;
    }

    private static Violation unicode(String s, String what) {
        int nul = s.indexOf('\u0000');
        if (nul >= 0) {
            // Valid Unicode, but PostgreSQL's text and jsonb cannot hold it: the sink would refuse the write
            // after it was acknowledged. Refused here instead.
            return new Violation("holds " + what + " with U+0000 (NUL) at character " + nul
                    + ", which the PostgreSQL sink cannot store");
        }
        int at = Unicode.loneSurrogate(s);
        return at < 0 ? null : new Violation("holds " + what + " that is not valid Unicode: a lone surrogate U+"
                + Integer.toHexString(s.charAt(at)).toUpperCase(Locale.ROOT) + " at character " + at
                + " (strings are refused, never rewritten)");
    }
}
