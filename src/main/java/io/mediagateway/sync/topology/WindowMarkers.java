package io.mediagateway.sync.topology;

import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Keeps a persistent window store from looking corrupted when its task restarts.
 *
 * <p>Kafka Streams 4 keeps a window store's committed changelog offset inside the store's segments. A
 * window store with no segment has nowhere to keep it, and under exactly-once a task whose other stores
 * are on disk but whose window store has no committed offset is declared corrupted when it is opened
 * again: all its state is wiped and restored from the changelogs, with a warning per task, on every
 * restart. A task that never processed a record (more partitions than active users: the demo, a small
 * deployment, a replay's empty partitions) is in that state from the start. A marker entry written when
 * the processor starts on an empty store gives it a segment at once (the caller then asks for a commit,
 * so the task commits it even if it processes nothing); later markers are the caller's.
 */
public final class WindowMarkers {
    private WindowMarkers() {
    }

    /**
     * Writes {@code key → value} at time 0 when {@code store} holds nothing at all. Time 0 is never later
     * than the store's own stream time, so the marker expires real entries early in no case; an empty
     * store has seen no time, so it takes the entry.
     *
     * @return whether the marker was written
     */
    public static <K, V> boolean markIfEmpty(WindowStore<K, V> store, K key, V value) {
        try (KeyValueIterator<Windowed<K>, V> all = store.all()) {
            if (all.hasNext()) {
                return false;
            }
        }
        store.put(key, value, 0L);
        return true;
    }
}
