package io.mediagateway.sync.topology.ingest;

import io.mediagateway.sync.topology.SyncStores;
import io.mediagateway.sync.topology.UserKeys;
import io.mediagateway.sync.topology.WindowMarkers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/** The duplicate window: a user's {@code message_id}s, remembered for {@code SYNC_DEDUP_WINDOW_MS}. */
public final class Duplicates {
    private static final String WINDOW_MARKER = UserKeys.key("", "window-marker");

    private final WindowStore<String, Long> messageIds;
    private final long windowMs;
    private final long markInterval;
    private long windowMarkedAtMs = Long.MIN_VALUE / 2;

    public Duplicates(ProcessorContext<?, ?> context, Duration window) {
        this.messageIds = context.getStateStore(SyncStores.MESSAGE_IDS);
        this.windowMs = window.toMillis();
        this.markInterval = Math.max(1, windowMs / 4);
        if (WindowMarkers.markIfEmpty(messageIds, WINDOW_MARKER, -1L)) {
            context.commit();
        }
    }

    /**
     * Keeps one live entry in the window. Kafka Streams 4 keeps a window store's committed changelog
     * offset inside its segments; a window store without a segment (no {@code message_id} within the
     * window) has none, and under exactly-once a task with such a store and other stores on disk is
     * declared corrupted when it is opened again: its whole state is wiped and restored from the
     * changelogs, on every restart and every move of a standby to active (BENCHMARKS.md, B9;
     * {@code StateRestartIT}). One marker entry per task, rewritten whenever stream time has moved a
     * quarter of the window, keeps a segment alive (and {@link WindowMarkers#markIfEmpty} one in a task
     * that has processed nothing yet). It is stamped with stream time, never the wall clock, so a replay
     * writes the same entries and never expires real ones early. Its key has an empty user, which no
     * event can have.
     */
    public void keepAlive(long streamTimeMs) {
        if (streamTimeMs - windowMarkedAtMs >= markInterval) {
            messageIds.put(WINDOW_MARKER, -1L, Math.max(0, streamTimeMs));
            windowMarkedAtMs = streamTimeMs;
        }
    }

    /** Forgets the user's {@code message_id}s (contract §16: they are the user's too); how many. */
    public int erase(String user) {
        List<Windowed<String>> keys = new ArrayList<>();
        try (KeyValueIterator<Windowed<String>, Long> it = messageIds.fetch(UserKeys.prefix(user),
                UserKeys.prefix(user) + Character.MAX_VALUE, 0L, Long.MAX_VALUE)) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        keys.forEach(k -> messageIds.put(k.key(), null, k.window().start()));
        return keys.size();
    }

    /** Whether the user sent this {@code message_id} within the window; remembers it (with its offset) if not. */
    public boolean isDuplicate(String user, String messageId, long timestamp, long offset) {
        String key = UserKeys.key(user, messageId);
        try (WindowStoreIterator<Long> it = messageIds.fetch(key, Math.max(0, timestamp - windowMs), timestamp + windowMs)) {
            if (it.hasNext()) {
                return true;
            }
        }
        messageIds.put(key, offset, Math.max(0, timestamp));
        return false;
    }
}
