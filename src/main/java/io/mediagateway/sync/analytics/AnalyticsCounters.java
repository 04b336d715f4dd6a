package io.mediagateway.sync.analytics;

import java.util.concurrent.atomic.LongAdder;

/** What the analytics stages set aside, for metrics and the replay summary. Shared by all stream threads. */
public final class AnalyticsCounters {
    private final LongAdder skipped = new LongAdder();
    private final LongAdder late = new LongAdder();
    private final LongAdder repeated = new LongAdder();

    void skipped() {
        skipped.increment();
    }

    void late() {
        late.increment();
    }

    void repeated() {
        repeated.increment();
    }

    /** Records that were not valid events (the serving application dead-letters them). */
    public long skippedCount() {
        return skipped.sum();
    }

    /** Progress events dropped because their hour had closed (beyond the grace period). */
    public long lateCount() {
        return late.sum();
    }

    /** Progress events not above the last one counted for their user and content (repeats, reordered). */
    public long repeatedCount() {
        return repeated.sum();
    }
}
