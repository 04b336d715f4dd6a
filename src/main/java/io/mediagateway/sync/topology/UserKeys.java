package io.mediagateway.sync.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Store keys. Per-item stores use {@code user + '\0' + item}: one event reads and writes one small
 * value, and a whole user is a prefix scan of {@code user + '\0'} (user ids never hold a NUL, and
 * neither do content ids, device ids or preference keys, which forbid control characters). The
 * presence index orders devices by when they were last seen: 8 bytes of big-endian milliseconds,
 * then {@code user + '\0' + device}.
 */
public final class UserKeys {
    static final char SEPARATOR = '\0';

    private UserKeys() {
    }

    public static String key(String user, String item) {
        return user + SEPARATOR + item;
    }

    /** The prefix of every key of one user. */
    public static String prefix(String user) {
        return user + SEPARATOR;
    }

    public static String user(String key) {
        return key.substring(0, key.indexOf(SEPARATOR));
    }

    public static String item(String key) {
        return key.substring(key.indexOf(SEPARATOR) + 1);
    }

    /** The time-index key of an item last seen at {@code lastSeenMs} (≥ 0): presence, viewing sessions. */
    public static Bytes deadlineKey(long lastSeenMs, String user, String device) {
        return timeKey(NO_PREFIX, lastSeenMs, key(user, device));
    }

    /** The smallest key above every index entry last seen at or before {@code lastSeenMs}. */
    public static Bytes deadlineUpperBound(long lastSeenMs) {
        return timeKeyBefore(NO_PREFIX, lastSeenMs + 1);
    }

    /** The {@code user\0item} of a time-index key. */
    public static String deadlineId(Bytes key) {
        return timeKeyId(key, 0);
    }

    private static final byte[] NO_PREFIX = new byte[0];

    /**
     * A time-index key: {@code prefix} (which tells one index from others in the same store), 8 bytes of big-endian
     * milliseconds (≥ 0), then {@code id} — so a range from the prefix up to {@link #timeKeyBefore} reads the entries
     * in time order, earliest first.
     */
    public static Bytes timeKey(byte[] prefix, long ms, String id) {
        byte[] b = id.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(prefix.length + Long.BYTES + b.length).put(prefix).putLong(ms).put(b).array());
    }

    /** The smallest key above every time-index key of {@code prefix} earlier than {@code ms}. */
    public static Bytes timeKeyBefore(byte[] prefix, long ms) {
        return Bytes.wrap(ByteBuffer.allocate(prefix.length + Long.BYTES).put(prefix).putLong(ms).array());
    }

    /** The milliseconds of a time-index key whose prefix is {@code prefixLength} bytes. */
    public static long timeKeyMs(Bytes key, int prefixLength) {
        return ByteBuffer.wrap(key.get(), prefixLength, Long.BYTES).getLong();
    }

    /** The id of a time-index key whose prefix is {@code prefixLength} bytes. */
    public static String timeKeyId(Bytes key, int prefixLength) {
        byte[] b = key.get();
        return new String(b, prefixLength + Long.BYTES, b.length - prefixLength - Long.BYTES, StandardCharsets.UTF_8);
    }
}
