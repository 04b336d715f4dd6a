package io.mediagateway.sync.egress.postgres;

import io.mediagateway.sync.codec.AnalyticsCodec;
import io.mediagateway.sync.deadletter.RejectReason;
import io.mediagateway.sync.model.HourlyCounts;
import io.mediagateway.sync.model.HourlyFigures;
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
        HourlyFigures f = AnalyticsCodec.decodeHourly(record.value());
        HourlyCounts c = f.counts();
        Row row = new Row(f.applicationId(), f.contentId(), f.hourStart(), c.starts(), c.completions(), c.abandons(),
                BigDecimal.valueOf(c.watchTimeMs(), 3));
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
}
