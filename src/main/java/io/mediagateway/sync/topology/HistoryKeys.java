package io.mediagateway.sync.topology;

import io.mediagateway.sync.codec.CompactDeltas;
import io.mediagateway.sync.codec.Json;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The layout of the change-history store (contract §13), written by the topology and read by queries: one
 * entry per kept change, {@code user + '\1' + seq} (16 hex digits, so the keys of a user's changes sort by
 * sequence). A change's value is 8 bytes of its record time, 8 bytes of its history's epoch, a format byte,
 * then the delta as {@code sync.state-deltas} carries it ({@link #PLAIN}). Entries of the first format
 * ({@link CompactDeltas#FORMAT}, compressed) are still read. Where a user's history stands is read from its
 * first and last entries ({@link #bounds}); nothing else is stored.
 *
 * <p>Why not compressed any more: DEFLATE with a dictionary made a 400-byte delta ~150 bytes, but its native
 * calls cost the topology about 15 % of B1's events/s (BENCHMARKS.md, "Catch-up"); the store and its
 * changelog now carry the ~2.5 times larger plain form, and the bounds of contract §13 cap how much of it.
 */
public final class HistoryKeys {
    private static final int HEADER = 2 * Long.BYTES + 1;
    /** The format of entries holding the delta as it is. */
    public static final byte PLAIN = 2;

    private HistoryKeys() {
    }

    /**
     * Where a user's history stands: its epoch (from the change that began it and the application), the first
     * change it keeps, the next sequence number, and when the first kept change was recorded ({@code -1} when
     * not known).
     */
    public record Meta(long epoch, long firstSeq, long nextSeq, long firstAtMs) {
        /** The sequence number of the newest change. */
        public long lastSeq() {
            return nextSeq - 1;
        }
    }

    public static String entry(String user, long seq) {
        String hex = Long.toHexString(seq);
        StringBuilder key = new StringBuilder(user.length() + 17).append(user).append('\1');
        for (int i = hex.length(); i < 16; i++) {
            key.append('0');
        }
        return key.append(hex).toString();
    }

    /** The sequence number of an entry's key. */
    public static long seq(String key) {
        return Long.parseUnsignedLong(key.substring(key.length() - 16), 16);
    }

    /** The first and last kept change of a user's history, read from the store: null when it holds none. */
    public static Meta bounds(ReadOnlyKeyValueStore<String, byte[]> store, String user) {
        KeyValue<String, byte[]> last;
        try (KeyValueIterator<String, byte[]> it = store.reverseRange(entry(user, 0), entry(user, Long.MAX_VALUE))) {
            if (!it.hasNext()) {
                return null;
            }
            last = it.next();
        }
        KeyValue<String, byte[]> first;
        try (KeyValueIterator<String, byte[]> it = store.range(entry(user, 0), entry(user, Long.MAX_VALUE))) {
            if (!it.hasNext()) {
                return null; // emptied between the two reads (a query beside the stream thread)
            }
            first = it.next();
        }
        return new Meta(epoch(last.value), seq(first.key), seq(last.key) + 1, recordedAt(first.value));
    }

    /** The record time of a stored change. */
    public static long recordedAt(byte[] value) {
        return ByteBuffer.wrap(value, 0, Long.BYTES).getLong();
    }

    /** The epoch of the history a stored change belongs to. */
    public static long epoch(byte[] value) {
        return ByteBuffer.wrap(value, Long.BYTES, Long.BYTES).getLong();
    }

    /** The delta of a stored change. */
    public static byte[] delta(byte[] value) {
        byte format = value[HEADER - 1];
        if (format == PLAIN) {
            return Arrays.copyOfRange(value, HEADER, value.length);
        }
        if (format == CompactDeltas.FORMAT) {
            return CompactDeltas.decompress(value, HEADER, value.length - HEADER);
        }
        throw new Json.CodecException("a stored change has format " + format + ", which this version cannot read");
    }

    /** A stored change: its record time, its history's epoch, the format, then the delta. */
    public static byte[] value(long recordedAtMs, long epoch, byte[] delta) {
        return ByteBuffer.allocate(HEADER + delta.length).putLong(recordedAtMs).putLong(epoch).put(PLAIN).put(delta)
                .array();
    }
}
