package io.mediagateway.sync.topology;

import java.nio.ByteBuffer;

/**
 * The layout of the change-history store (contract §13), written by the topology and read by queries. Per
 * user, one meta entry, {@code user + '\0'}, and one entry per kept change, {@code user + '\1' + seq} (16
 * hex digits, so the keys of a user's changes sort by sequence). A change's value is 8 bytes of its record
 * time, then the delta exactly as {@code sync.state-deltas} carries it.
 */
public final class HistoryKeys {
    private HistoryKeys() {
    }

    /**
     * Where a user's history stands: its epoch (the HLC of the change that began it), the first change it
     * still keeps, the next sequence number, and when the first kept change was recorded. Empty when
     * {@code nextSeq == firstSeq}.
     */
    public record Meta(long epoch, long firstSeq, long nextSeq, long firstAtMs) {
        public byte[] encode() {
            return ByteBuffer.allocate(32).putLong(epoch).putLong(firstSeq).putLong(nextSeq).putLong(firstAtMs).array();
        }

        public static Meta decode(byte[] bytes) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            return new Meta(b.getLong(), b.getLong(), b.getLong(), b.getLong());
        }

        /** The sequence number of the newest change; {@code firstSeq - 1} when none is kept. */
        public long lastSeq() {
            return nextSeq - 1;
        }
    }

    public static String meta(String user) {
        return user + '\0';
    }

    public static String entry(String user, long seq) {
        return user + '\1' + String.format("%016x", seq);
    }

    /** The record time of a stored change. */
    public static long recordedAt(byte[] value) {
        return ByteBuffer.wrap(value, 0, Long.BYTES).getLong();
    }

    /** The delta of a stored change. */
    public static byte[] delta(byte[] value) {
        byte[] delta = new byte[value.length - Long.BYTES];
        System.arraycopy(value, Long.BYTES, delta, 0, delta.length);
        return delta;
    }

    /** A stored change: its record time, then the delta. */
    public static byte[] value(long recordedAtMs, byte[] delta) {
        return ByteBuffer.allocate(Long.BYTES + delta.length).putLong(recordedAtMs).put(delta).array();
    }
}
