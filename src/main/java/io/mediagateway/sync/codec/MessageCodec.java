package io.mediagateway.sync.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * The API's own messages (contract §6, §7, §18): a write's answer, the WebSocket's {@code ack},
 * {@code error}, {@code auth_ok} and {@code token_expiring}, and the error shape of every failure.
 * An {@code id} a client sent is echoed as it came.
 */
public final class MessageCodec {
    private MessageCodec() {
    }

    /** {@code {"error": "<code>", "message": "<human text>"}}. */
    public static ObjectNode error(String code, String message) {
        ObjectNode node = Json.object();
        node.put("error", code);
        node.put("message", message);
        return node;
    }

    /** {@code {"type":"error","id"?,"error","message"}}. */
    public static String wsError(JsonNode id, String code, String message) {
        ObjectNode node = typed("error", id);
        node.setAll(error(code, message));
        return Json.string(node);
    }

    /** A write's answer: {@code {"hlc", "unique_tag"?, "token"}}. */
    public static ObjectNode written(long hlc, String uniqueTag, String token) {
        ObjectNode answer = Json.object();
        answer.put("hlc", Long.toString(hlc));
        if (uniqueTag != null) {
            answer.put("unique_tag", uniqueTag);
        }
        answer.put("token", token);
        return answer;
    }

    /** {@code {"type":"ack","id"?, …the write's answer}}. */
    public static String ack(JsonNode id, ObjectNode written) {
        ObjectNode node = typed("ack", id);
        node.setAll(written);
        return Json.string(node);
    }

    /** {@code {"type":"auth_ok","id"?,"expires_at"}}: the session runs on a fresh token until then. */
    public static String authOk(JsonNode id, Instant expiresAt) {
        ObjectNode node = typed("auth_ok", id);
        node.put("expires_at", expiresAt.toString());
        return Json.string(node);
    }

    /** {@code {"type":"token_expiring","expires_at","message"}}: refresh before then, or the session ends. */
    public static String tokenExpiring(Instant expiresAt) {
        ObjectNode node = typed("token_expiring", null);
        node.put("expires_at", expiresAt.toString());
        node.put("message", "this session's token expires at " + expiresAt + "; send {\"type\":\"auth\","
                + "\"token\":\"<a fresh token>\"} to keep the session open");
        return Json.string(node);
    }

    /** The trending answer before any start was counted: {@code {"items":[]}}. */
    public static ObjectNode emptyList() {
        ObjectNode node = Json.object();
        node.putArray("items");
        return node;
    }

    private static ObjectNode typed(String type, JsonNode id) {
        ObjectNode node = Json.object();
        node.put("type", type);
        if (id != null) {
            node.set("id", id);
        }
        return node;
    }
}
