package io.mediagateway.sync.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.Json;
import java.math.BigDecimal;
import java.time.Instant;

/** The view of one content's hourly figures the API answers: the hours with figures and their totals. */
public final class ContentHours {
    private ContentHours() {
    }

    /**
     * The answer of {@code GET /api/v1/analytics/content/{id}}: the hours with figures, oldest first,
     * and their totals.
     */
    public static ObjectNode answer(String content, Instant from, Instant to, ArrayNode hours) {
        ObjectNode out = Json.object();
        out.put("content_id", content);
        out.put("from", from.toString());
        out.put("to", to.toString());
        long starts = 0;
        long completions = 0;
        long abandons = 0;
        BigDecimal watched = BigDecimal.ZERO.setScale(3);
        for (JsonNode h : hours) {
            starts += h.get("starts").asLong();
            completions += h.get("completions").asLong();
            abandons += h.get("abandons").asLong();
            watched = watched.add(h.get("watch_time_seconds").decimalValue());
        }
        out.set("hours", hours);
        ObjectNode totals = out.putObject("totals");
        totals.put("starts", starts);
        totals.put("completions", completions);
        totals.put("abandons", abandons);
        totals.put("watch_time_seconds", watched);
        return out;
    }
}
