package io.mediagateway.sync.web;

import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.codec.MessageCodec;
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
        return Json.bytes(MessageCodec.error(error, message));
    }
}
