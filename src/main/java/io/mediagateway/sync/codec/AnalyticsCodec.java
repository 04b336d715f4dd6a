package io.mediagateway.sync.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.Json.CodecException;
import io.mediagateway.sync.model.HourlyCounts;
import io.mediagateway.sync.model.HourlyFigures;
import io.mediagateway.sync.model.TrendingList;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The analytics application's values as JSON: hourly figures on {@code sync.analytics.content-hourly}
 * (and in REST answers), trending lists on {@code sync.analytics.trending} and {@code global.trending},
 * and the REST view of one content's hours. Watch time is kept in milliseconds and written as seconds
 * with three decimals, so figures read back exactly.
 */
public final class AnalyticsCodec {
    private AnalyticsCodec() {
    }

    /** {@code {"application_id"?, "content_id", "hour_start", "starts", "completions", "abandons", "watch_time_seconds"}}. */
    public static ObjectNode hourlyNode(HourlyFigures f) {
        ObjectNode o = Json.object();
        if (f.applicationId() != null) {
            o.put("application_id", f.applicationId());
        }
        o.put("content_id", f.contentId());
        o.put("hour_start", f.hourStart().toString());
        HourlyCounts c = f.counts();
        o.put("starts", c.starts());
        o.put("completions", c.completions());
        o.put("abandons", c.abandons());
        o.put("watch_time_seconds", BigDecimal.valueOf(c.watchTimeMs(), 3));
        return o;
    }

    public static byte[] encodeHourly(HourlyFigures f) {
        return Json.bytes(hourlyNode(f));
    }

    /** A record of {@code sync.analytics.content-hourly}; an unreadable one is a {@link CodecException}. */
    public static HourlyFigures decodeHourly(byte[] bytes) {
        JsonNode o = Json.parse(bytes);
        Instant hourStart;
        try {
            hourStart = Instant.parse(nonEmpty(o, "hour_start"));
        } catch (DateTimeParseException e) {
            throw new CodecException("'hour_start' must be an ISO-8601 instant");
        }
        BigDecimal seconds = Fields.required(o, "watch_time_seconds").isNumber()
                ? o.get("watch_time_seconds").decimalValue() : null;
        if (seconds == null || seconds.signum() < 0) {
            throw new CodecException("'watch_time_seconds' must be a number ≥ 0");
        }
        long watchTimeMs;
        try {
            watchTimeMs = seconds.movePointRight(3).longValueExact();
        } catch (ArithmeticException e) {
            throw new CodecException("'watch_time_seconds' must have at most three decimals");
        }
        return new HourlyFigures(nonEmpty(o, "application_id"), nonEmpty(o, "content_id"), hourStart,
                new HourlyCounts(count(o, "starts"), count(o, "completions"), count(o, "abandons"), watchTimeMs));
    }

    /** {@code {"application_id", "window_start", "window_end", "contents_ranked", "items":[{"rank","content_id","starts"}]}}. */
    public static byte[] encodeTrending(TrendingList list) {
        ObjectNode out = Json.object();
        out.put("application_id", list.applicationId());
        out.put("window_start", list.windowStart().toString());
        out.put("window_end", list.windowEnd().toString());
        out.put("contents_ranked", list.contentsRanked());
        ArrayNode items = out.putArray("items");
        int rank = 1;
        for (TrendingList.Entry e : list.items()) {
            ObjectNode item = items.addObject();
            item.put("rank", rank++);
            item.put("content_id", e.contentId());
            item.put("starts", e.starts());
        }
        return Json.bytes(out);
    }

    /**
     * The answer of {@code GET /api/v1/analytics/content/{id}}: the hours with figures, oldest first, and
     * their totals.
     */
    public static ObjectNode contentHours(String content, Instant from, Instant to, List<HourlyFigures> hours) {
        ObjectNode out = Json.object();
        out.put("content_id", content);
        out.put("from", from.toString());
        out.put("to", to.toString());
        ArrayNode list = out.putArray("hours");
        HourlyCounts total = HourlyCounts.ZERO;
        for (HourlyFigures h : hours) {
            list.add(hourlyNode(h));
            total = total.plus(h.counts());
        }
        ObjectNode totals = out.putObject("totals");
        totals.put("starts", total.starts());
        totals.put("completions", total.completions());
        totals.put("abandons", total.abandons());
        totals.put("watch_time_seconds", BigDecimal.valueOf(total.watchTimeMs(), 3));
        return out;
    }

    private static String nonEmpty(JsonNode o, String field) {
        String v = Fields.text(o, field);
        if (v.isEmpty()) {
            throw new CodecException("'" + field + "' is missing");
        }
        return v;
    }

    private static long count(JsonNode o, String field) {
        JsonNode v = Fields.required(o, field);
        if (!v.canConvertToLong() || v.asLong() < 0) {
            throw new CodecException("'" + field + "' must be a count ≥ 0");
        }
        return v.asLong();
    }
}
