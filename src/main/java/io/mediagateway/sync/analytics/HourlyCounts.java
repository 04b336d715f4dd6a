package io.mediagateway.sync.analytics;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Viewing figures of one content: an increment from one event, or the running total of an hour.
 * Integers only (watch time in milliseconds), so totals are the same whatever order increments are
 * added in — a replay gives identical figures.
 *
 * @param starts      viewing sessions begun
 * @param completions sessions that reached 90 % of the duration
 * @param abandons    sessions stopped below 90 %
 * @param watchTimeMs playback watched: the position advanced while playing, at most the time that passed
 */
public record HourlyCounts(long starts, long completions, long abandons, long watchTimeMs) {
    public static final HourlyCounts ZERO = new HourlyCounts(0, 0, 0, 0);
    private static final int BYTES = 4 * Long.BYTES;

    public HourlyCounts plus(HourlyCounts o) {
        return new HourlyCounts(starts + o.starts, completions + o.completions, abandons + o.abandons,
                watchTimeMs + o.watchTimeMs);
    }

    public boolean isZero() {
        return equals(ZERO);
    }

    /** A fixed 32-byte binary form (four big-endian longs). */
    public static Serde<HourlyCounts> serde() {
        Serializer<HourlyCounts> ser = (topic, c) -> c == null ? null : ByteBuffer.allocate(BYTES)
                .putLong(c.starts).putLong(c.completions).putLong(c.abandons).putLong(c.watchTimeMs).array();
        Deserializer<HourlyCounts> de = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length != BYTES) {
                throw new IllegalArgumentException("hourly counts are " + BYTES + " bytes, not " + bytes.length);
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            return new HourlyCounts(b.getLong(), b.getLong(), b.getLong(), b.getLong());
        };
        return Serdes.serdeFrom(ser, de);
    }
}
