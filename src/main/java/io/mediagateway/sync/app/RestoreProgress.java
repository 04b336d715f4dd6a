package io.mediagateway.sync.app;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs state restoration per store so a restarting instance shows where it is: every {@code every}
 * while a store restores (percent, records, rate, ETA) and when it is done (records, time). Partitions
 * of one store restore on several threads, so the totals are per store; a store with nothing to
 * restore logs only at debug level.
 */
final class RestoreProgress implements StateRestoreListener {
    private static final Logger log = LoggerFactory.getLogger(RestoreProgress.class);

    private final LongSupplier nanoClock;
    private final long everyNanos;
    private final Map<String, Store> stores = new HashMap<>();
    private long restoredTotal;

    /** One store's restoration, summed over its partitions. */
    static final class Store {
        final long startedNanos;
        long total;
        long restored;
        int active;
        int partitions;
        long lastLogNanos;

        Store(long startedNanos) {
            this.startedNanos = startedNanos;
            this.lastLogNanos = startedNanos;
        }

        double percent() {
            return total == 0 ? 100.0 : Math.min(100.0, 100.0 * restored / total);
        }

        /** Records per second since this store's restoration began. */
        double rate(long nowNanos) {
            double seconds = (nowNanos - startedNanos) / 1e9;
            return seconds <= 0 ? 0 : restored / seconds;
        }

        /** Time left at the rate so far; unknown (null) until something was restored. */
        Duration eta(long nowNanos) {
            double rate = rate(nowNanos);
            if (rate <= 0) {
                return null;
            }
            return Duration.ofMillis((long) (Math.max(0, total - restored) / rate * 1000));
        }
    }

    RestoreProgress(LongSupplier nanoClock, Duration every) {
        this.nanoClock = nanoClock;
        this.everyNanos = every.toNanos();
    }

    RestoreProgress() {
        this(System::nanoTime, Duration.ofSeconds(5));
    }

    @Override
    public synchronized void onRestoreStart(TopicPartition partition, String storeName, long startingOffset, long endingOffset) {
        long now = nanoClock.getAsLong();
        Store store = stores.get(storeName);
        if (store == null) {
            store = new Store(now);
            stores.put(storeName, store);
            log.debug("Restoring store {} from {}", storeName, partition.topic());
        }
        long records = Math.max(0, endingOffset - startingOffset);
        store.total += records;
        store.active++;
        store.partitions++;
        log.debug("Restoring store {} partition {}: {} records (offsets {} to {})", storeName, partition.partition(),
                records, startingOffset, endingOffset);
    }

    @Override
    public synchronized void onBatchRestored(TopicPartition partition, String storeName, long batchEndOffset, long numRestored) {
        restoredTotal += numRestored;
        Store store = stores.get(storeName);
        if (store == null) {
            return;
        }
        store.restored += numRestored;
        long now = nanoClock.getAsLong();
        if (now - store.lastLogNanos >= everyNanos) {
            store.lastLogNanos = now;
            Duration eta = store.eta(now);
            log.info("Restoring store {}: {}% ({} of {} records, {} partitions), {} records/s, ETA {}",
                    storeName, String.format("%.1f", store.percent()), store.restored, store.total, store.active,
                    Math.round(store.rate(now)), eta == null ? "unknown" : formatEta(eta));
        }
    }

    @Override
    public synchronized void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
        finish(storeName, "restored");
    }

    @Override
    public synchronized void onRestoreSuspended(TopicPartition partition, String storeName, long totalRestored) {
        // The task moved to another instance mid-restore (a rebalance): it stops counting here.
        finish(storeName, "suspended (task moved)");
    }

    private void finish(String storeName, String how) {
        Store store = stores.get(storeName);
        if (store == null) {
            return;
        }
        store.active--;
        if (store.active <= 0) {
            long ms = Duration.ofNanos(nanoClock.getAsLong() - store.startedNanos).toMillis();
            if (store.restored > 0) {
                log.info("Store {} {}: {} records over {} partitions in {} ms", storeName, how, store.restored,
                        store.partitions, ms);
            } else {
                log.debug("Store {} {}: nothing to restore over {} partitions", storeName, how, store.partitions);
            }
            stores.remove(storeName);
        }
    }

    /** Records restored into any store since start (the metric {@code sync.streams.restored.records}). */
    synchronized long restoredTotal() {
        return restoredTotal;
    }

    /** The store's progress while it restores; absent when it is not restoring. */
    synchronized Store progress(String storeName) {
        return stores.get(storeName);
    }

    static String formatEta(Duration eta) {
        long s = eta.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        return s < 3600 ? (s / 60) + " min " + (s % 60) + " s" : (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }
}
