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
        byte[] id = key(user, device).getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + id.length).putLong(lastSeenMs).put(id).array());
    }

    /** The smallest key above every index entry last seen at or before {@code lastSeenMs}. */
    public static Bytes deadlineUpperBound(long lastSeenMs) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(lastSeenMs + 1).array());
    }

    /** The {@code user\0item} of a time-index key. */
    public static String deadlineId(Bytes key) {
        byte[] b = key.get();
        return new String(b, Long.BYTES, b.length - Long.BYTES, StandardCharsets.UTF_8);
    }
}
