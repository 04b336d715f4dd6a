package io.mediagateway.sync.query;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.LagInfo;

/**
 * How far this instance's local copies (standbys, restoring stores) are behind, as last measured in the background,
 * so that a read flagged stale never waits on the brokers for it. Measuring asks the brokers for every changelog's end
 * ({@code KafkaStreams.allLocalStorePartitionLags()}, an admin call with no deadline of ours): asked per read, it held
 * reads for seconds while a leader broker was down — longer than a caller or another instance asking this one waits.
 * A read older than {@link #FRESH} starts one measurement (never two at once) and is answered with what is known.
 */
final class StoreLags {
    /** A measurement younger than this is shown as it is; an older one says how old it is, and a new one starts. */
    static final Duration FRESH = Duration.ofSeconds(1);

    /** One partition's lag: records behind, the copy's position and the changelog's end, measured at a time. */
    record Lag(long records, long position, long end, long measuredAtNanos) {
    }

    private final Supplier<Map<Integer, LagInfo>> measure;
    private final Executor background;
    private final LongSupplier nanoTime;
    private final AtomicBoolean measuring = new AtomicBoolean();
    /** Null until a measurement of this generation ends. */
    private volatile Map<Integer, Lag> known;
    private volatile long measuredAtNanos;
    /** Bumped by {@link #forget()}: a measurement begun before it is not kept. */
    private final AtomicLong generation = new AtomicLong();

    /**
     * {@code measure} gives the lag of each local partition of one store (it may block); it runs on
     * {@code background}.
     */
    StoreLags(Supplier<Map<Integer, LagInfo>> measure, Executor background, LongSupplier nanoTime) {
        this.measure = measure;
        this.background = background;
        this.nanoTime = nanoTime;
    }

    /** Measured on a daemon thread of its own. */
    static StoreLags onOwnThread(Supplier<Map<Integer, LagInfo>> measure) {
        return new StoreLags(measure, Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "store-lags");
            t.setDaemon(true);
            return t;
        }), System::nanoTime);
    }

    /** The last measured lag of {@code partition} here, at once; starts a new measurement when the last is not fresh. */
    Optional<Lag> of(int partition) {
        Map<Integer, Lag> lags = known;
        if (lags == null || nanoTime.getAsLong() - measuredAtNanos > FRESH.toNanos()) {
            measureInBackground();
        }
        return lags == null ? Optional.empty() : Optional.ofNullable(lags.get(partition));
    }

    /** What a stale read of {@code partition} says of its copy ({@code X-Sync-Staleness}). */
    String staleness(int partition) {
        Optional<Lag> lag = of(partition);
        if (lag.isEmpty()) {
            return "stale; lag unknown";
        }
        Lag l = lag.get();
        long ageMs = Duration.ofNanos(nanoTime.getAsLong() - l.measuredAtNanos()).toMillis();
        String measured = ageMs > FRESH.toMillis() ? ", measured " + ageMs / 1000 + " s ago" : "";
        return "stale; lag " + l.records() + " records (" + l.position() + " of " + l.end() + measured + ")";
    }

    /** The partitions here have changed (a rebalance): what was measured no longer describes them. */
    void forget() {
        generation.incrementAndGet();
        known = null;
    }

    private void measureInBackground() {
        if (!measuring.compareAndSet(false, true)) {
            return;
        }
        long startedIn = generation.get();
        try {
            background.execute(() -> {
                try {
                    Map<Integer, LagInfo> measured = measure.get();
                    long at = nanoTime.getAsLong();
                    if (generation.get() == startedIn) {
                        Map<Integer, Lag> lags = new HashMap<>();
                        measured.forEach((partition, lag) -> lags.put(partition,
                                new Lag(lag.offsetLag(), lag.currentOffsetPosition(), lag.endOffsetPosition(), at)));
                        measuredAtNanos = at;
                        known = Map.copyOf(lags);
                    }
                } catch (RuntimeException notNow) {
                    // the streams are not running, or the brokers did not answer: keep what is known, try again later
                } finally {
                    measuring.set(false);
                }
            });
        } catch (RuntimeException rejected) {
            measuring.set(false);
        }
    }
}
