package io.mediagateway.sync.analytics;

import io.mediagateway.sync.model.HourlyCounts;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** The analytics stores' form of {@link HourlyCounts}. */
final class HourlyCountsSerde {
    private static final int BYTES = 4 * Long.BYTES;

    private HourlyCountsSerde() {
    }

    /** A fixed 32-byte binary form (four big-endian longs). */
    static Serde<HourlyCounts> serde() {
        Serializer<HourlyCounts> ser = (topic, c) -> c == null ? null : ByteBuffer.allocate(BYTES)
                .putLong(c.starts()).putLong(c.completions()).putLong(c.abandons()).putLong(c.watchTimeMs()).array();
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
