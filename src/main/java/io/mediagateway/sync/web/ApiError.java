package io.mediagateway.sync.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one error shape of the API: {@code {"error": "<code>", "message": "<human text>"}}. */
public record ApiError(String error, String message) {

    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", message);
        return body;
    }

    /** The body as UTF-8 JSON bytes. */
    public byte[] json() {
        ObjectNode node = Json.object();
        node.put("error", error);
        node.put("message", message);
        return Json.bytes(node);
    }
}
