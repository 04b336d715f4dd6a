package io.mediagateway.sync.topology.ingest;

import io.mediagateway.sync.topology.SyncStores;
import io.mediagateway.sync.topology.UserKeys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The duplicate window: a user's {@code message_id}s, remembered for {@code SYNC_DEDUP_WINDOW_MS} of record time.
 *
 * <p>A key-value store with its own expiry, two kinds of keys in one store ({@link SyncStores#MESSAGE_IDS}):
 * {@code 0x00 user\0message_id} → the record time and offset it was first seen at, and the expiry index
 * {@code 0x01} + 8 bytes of big-endian record time + {@code user\0message_id} → nothing. Not a window store:
 * Kafka Streams' segmented stores were the one part of the state that broke under the fault suite — a segment's
 * RocksDB lock still held by the same process when its task came back ("Error opening store message-ids.…",
 * "… is currently closed": 37 of the long run's 58 stream-thread deaths), and a window store without a segment
 * declared its task corrupted on every restart (BENCHMARKS.md, B9). A lookup is one get; {@link #expire} reads the
 * index from its start up to the window's edge, so its cost is the ids that expire, not the ids kept.
 */
public final class Duplicates {
    /** The most ids one {@link #expire} forgets; the rest wait for the next. */
    private static final int MAX_EXPIRIES_PER_SWEEP = 50_000;
    private static final byte ENTRY = 0;
    private static final byte EXPIRY = 1;
    /** The expiry index's keys: {@link UserKeys#timeKey} with this one-byte prefix. */
    private static final byte[] EXPIRY_PREFIX = {EXPIRY};
    private static final byte[] NOTHING = new byte[0];

    private final KeyValueStore<Bytes, byte[]> ids;
    private final long windowMs;

    public Duplicates(ProcessorContext<?, ?> context, Duration window) {
        this.ids = context.getStateStore(SyncStores.MESSAGE_IDS);
        this.windowMs = window.toMillis();
    }

    /**
     * Whether the user sent this {@code message_id} within the window of {@code timestamp} (either side); remembers
     * it (with its offset) if not.
     */
    public boolean isDuplicate(String user, String messageId, long timestamp, long offset) {
        String id = UserKeys.key(user, messageId);
        Bytes key = entryKey(id);
        long at = Math.max(0, timestamp);
        byte[] seen = ids.get(key);
        if (seen != null) {
            long seenAt = seenAt(seen);
            if (Math.abs(at - seenAt) <= windowMs) {
                return true;
            }
            ids.delete(expiryKey(seenAt, id)); // outside the window: this sighting replaces it
        }
        ids.put(key, ByteBuffer.allocate(2 * Long.BYTES).putLong(at).putLong(offset).array());
        ids.put(expiryKey(at, id), NOTHING);
        return false;
    }

    /**
     * Forgets the ids first seen more than the window before {@code streamTimeMs} (stream time, never the wall
     * clock: a replay forgets what the first run forgot, no earlier); answers how many.
     */
    public int expire(long streamTimeMs) {
        long edge = streamTimeMs - windowMs;
        if (edge <= 0) {
            return 0;
        }
        List<Bytes> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = ids.range(Bytes.wrap(EXPIRY_PREFIX),
                UserKeys.timeKeyBefore(EXPIRY_PREFIX, edge))) {
            while (it.hasNext() && due.size() < MAX_EXPIRIES_PER_SWEEP) {
                due.add(it.next().key);
            }
        }
        for (Bytes index : due) {
            long at = UserKeys.timeKeyMs(index, EXPIRY_PREFIX.length);
            Bytes key = entryKey(UserKeys.timeKeyId(index, EXPIRY_PREFIX.length));
            byte[] seen = ids.get(key);
            if (seen != null && seenAt(seen) == at) {
                ids.delete(key);
            }
            ids.delete(index);
        }
        return due.size();
    }

    /** Forgets the user's {@code message_id}s (contract §16: they are the user's too); how many. */
    public int erase(String user) {
        List<KeyValue<Bytes, byte[]>> entries = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = ids.prefixScan(entryKey(UserKeys.prefix(user)), Serdes.Bytes().serializer())) {
            it.forEachRemaining(entries::add);
        }
        for (KeyValue<Bytes, byte[]> entry : entries) {
            byte[] k = entry.key.get();
            ids.delete(expiryKey(seenAt(entry.value), new String(k, 1, k.length - 1, StandardCharsets.UTF_8)));
            ids.delete(entry.key);
        }
        return entries.size();
    }

    /** The key under which {@code user\0message_id} is looked up (or, given {@code user\0}, the prefix of a user's). */
    private static Bytes entryKey(String id) {
        byte[] b = id.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(1 + b.length).put(ENTRY).put(b).array());
    }

    private static Bytes expiryKey(long at, String id) {
        return UserKeys.timeKey(EXPIRY_PREFIX, at, id);
    }

    private static long seenAt(byte[] value) {
        return ByteBuffer.wrap(value).getLong();
    }
}
