package io.mediagateway.sync.web;

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
}
