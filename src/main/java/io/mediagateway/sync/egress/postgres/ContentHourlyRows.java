package io.mediagateway.sync.egress.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.deadletter.RejectReason;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Rows of {@code content_hourly_stats} from {@code sync.analytics.content-hourly}: one per
 * application, content and hour, holding that hour's running totals. Totals only grow (every
 * increment is ≥ 0), so a row moves only to figures that are each at least its own: the same records
 * applied again — a retried batch, the topic read again, the analytics replayed from the start into the
 * same application id — leave the table as it was, and a partial replay (from a timestamp into the
 * same id) cannot lower the figures of an hour it only saw part of.
 */
final class ContentHourlyRows implements SinkRows {
    private record Row(String applicationId, String contentId, Instant hourStart, long starts, long completions,
                       long abandons, BigDecimal watchTimeSeconds) {
    }

    private final Map<String, Row> rows = new LinkedHashMap<>();

    @Override
    public void add(ConsumerRecord<byte[], byte[]> record) {
        JsonNode o = Json.parse(record.value());
        Row row = new Row(text(o, "application_id"), text(o, "content_id"), Instant.parse(text(o, "hour_start")),
                count(o, "starts"), count(o, "completions"), count(o, "abandons"), decimal(o, "watch_time_seconds"));
        // Later records of a key carry larger totals: the batch keeps the last (one row per key and statement).
        rows.put(row.applicationId() + '\0' + row.contentId() + '\0' + row.hourStart(), row);
    }

    @Override
    public void write(Connection c) throws SQLException {
        PostgresRows.executeBatch(c, """
                INSERT INTO content_hourly_stats AS s (application_id, content_id, hour_start, starts, completions,
                                                       abandons, watch_time_seconds)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (application_id, content_id, hour_start) DO UPDATE SET
                    starts = EXCLUDED.starts, completions = EXCLUDED.completions, abandons = EXCLUDED.abandons,
                    watch_time_seconds = EXCLUDED.watch_time_seconds
                WHERE EXCLUDED.starts >= s.starts AND EXCLUDED.completions >= s.completions
                  AND EXCLUDED.abandons >= s.abandons AND EXCLUDED.watch_time_seconds >= s.watch_time_seconds
                """, rows.values(), (s, r) -> {
            s.setString(1, r.applicationId());
            s.setString(2, r.contentId());
            s.setTimestamp(3, Timestamp.from(r.hourStart()));
            s.setLong(4, r.starts());
            s.setLong(5, r.completions());
            s.setLong(6, r.abandons());
            s.setBigDecimal(7, r.watchTimeSeconds());
        });
    }

    @Override
    public RejectReason unreadable() {
        return RejectReason.INVALID_RECORD;
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("'" + field + "' is missing");
        }
        return v.asText();
    }

    private static long count(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.canConvertToLong() || v.asLong() < 0) {
            throw new IllegalArgumentException("'" + field + "' must be a count ≥ 0");
        }
        return v.asLong();
    }

    private static BigDecimal decimal(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isNumber() || v.decimalValue().signum() < 0) {
            throw new IllegalArgumentException("'" + field + "' must be a number ≥ 0");
        }
        return v.decimalValue();
    }
}
