package io.mediagateway.sync.topology;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The state stores of the topology: RocksDB, changelogged, with fixed names (their changelogs are
 * {@code <application.id>-<name>-changelog}); the key-value stores but the {@link #HISTORY} are cached.
 * Item values are {@code StateCodec}'s binary form; the history's are laid out by {@link HistoryKeys}.
 */
public final class SyncStores {
    /** {@code user\0content_id} → watchlist item (OR-set element). */
    public static final String WATCHLIST = "watchlist";
    /** {@code user\0content_id} → progress register. */
    public static final String PROGRESS = "progress";
    /** {@code user\0key} → preference register. */
    public static final String PREFERENCES = "preferences";
    /** {@code user\0device_id} → device record. */
    public static final String DEVICES = "devices";
    /** {@code user\0device_id} → the content the device last reported progress for (for {@code Seek}). */
    public static final String NOW_PLAYING = "now-playing";
    /** last seen (8 bytes, big-endian) + {@code user\0device_id} → empty: online devices by deadline. */
    public static final String PRESENCE_INDEX = "presence-index";
    /**
     * The duplicate window: {@code 0x00 user\0message_id} → record time and offset, and an expiry index by record
     * time (see {@code ingest.Duplicates}). A key-value store: the window store {@code message-ids} of earlier
     * versions (its directories and changelog are no longer read) is gone.
     */
    public static final String MESSAGE_IDS = "dedup";
    /**
     * Each user's recent changes, in order, for catch-up (contract §13): {@code user \1 seq} → one delta (see
     * {@link HistoryKeys}). Not cached, unlike the others: every key is new, so the cache could only hold
     * entries nobody reads again, pushing out the items the next events read (B1 measured ~12k events/s with it
     * cached against ~16k without, BENCHMARKS.md "Catch-up"); each put goes to RocksDB and the changelog at once.
     */
    public static final String HISTORY = "history";
    /**
     * Each user's notifications (contract §14): {@code user\0notification_id} → its state (the notification, its
     * first read and dismiss); {@code user\1} → the user's {@code NotificationIndex}, which bounds them.
     */
    public static final String NOTIFICATIONS = "notifications";
    /** One entry per task: the task's hybrid logical clock. */
    public static final String CLOCK = "clock";
    /** {@code user} → the HLC of the user's erasure (contract §16): nothing of the user's at or before it is taken. */
    public static final String ERASURES = "erasures";

    /**
     * The changelog settings of every store that holds a user's data (contract §16): segments roll daily and a
     * deleted entry's older values are compacted away within 7 days, its tombstone a day later — so what an erasure
     * deletes leaves the changelog within 9 days (Kafka's defaults would let it stay in a week-long active segment,
     * and compaction has no deadline).
     */
    public static final Map<String, String> ERASABLE_CHANGELOG = Map.of("segment.ms", "86400000",
            "max.compaction.lag.ms", "604800000", "delete.retention.ms", "86400000");

    /** Stores a whole-user read scans (in this order). */
    public static final List<String> USER_STATE = List.of(WATCHLIST, PROGRESS, PREFERENCES, DEVICES);

    private SyncStores() {
    }

    static List<StoreBuilder<?>> builders() {
        return List.of(itemStore(WATCHLIST), itemStore(PROGRESS), itemStore(PREFERENCES), itemStore(DEVICES),
                itemStore(NOW_PLAYING), presenceIndex(), messageIds(), clock(), history(),
                itemStore(NOTIFICATIONS), erasures());
    }

    private static StoreBuilder<KeyValueStore<String, byte[]>> itemStore(String name) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
                .withCachingEnabled().withLoggingEnabled(ERASABLE_CHANGELOG);
    }

    private static StoreBuilder<KeyValueStore<String, byte[]>> history() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HISTORY), Serdes.String(), Serdes.ByteArray())
                .withLoggingEnabled(ERASABLE_CHANGELOG);
    }

    private static StoreBuilder<KeyValueStore<Bytes, byte[]>> presenceIndex() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PRESENCE_INDEX), Serdes.Bytes(),
                Serdes.ByteArray()).withCachingEnabled().withLoggingEnabled(ERASABLE_CHANGELOG);
    }

    private static StoreBuilder<KeyValueStore<Bytes, byte[]>> messageIds() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MESSAGE_IDS), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingEnabled(ERASABLE_CHANGELOG);
    }

    private static StoreBuilder<KeyValueStore<String, Long>> erasures() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ERASURES), Serdes.String(), Serdes.Long());
    }

    private static StoreBuilder<KeyValueStore<String, Long>> clock() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CLOCK), Serdes.String(), Serdes.Long())
                .withCachingEnabled();
    }
}
