package io.mediagateway.sync.egress;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One sink's meters, tagged {@code sink=<name>}: deltas delivered, retries, dead letters (also by
 * reason), batches and their time, and consumer lag (records behind the end of the assigned partitions).
 */
public final class EgressMetrics {
    private final MeterRegistry registry;
    private final String sink;
    private final Counter delivered;
    private final Counter retries;
    private final Counter deadLetters;
    private final Timer batches;
    private final AtomicLong lag = new AtomicLong();

    public EgressMetrics(MeterRegistry registry, String sink) {
        this.registry = registry;
        this.sink = sink;
        this.delivered = Counter.builder("sync.egress.delivered").description("deltas delivered to the sink")
                .tag("sink", sink).register(registry);
        this.retries = Counter.builder("sync.egress.retries").description("delivery attempts retried after an error")
                .tag("sink", sink).register(registry);
        this.deadLetters = Counter.builder("sync.egress.dead.letters")
                .description("deltas the sink refused for good, sent to sync.dead-letters").tag("sink", sink)
                .register(registry);
        this.batches = Timer.builder("sync.egress.batch").description("time to deliver one polled batch")
                .tag("sink", sink).register(registry);
        Gauge.builder("sync.egress.lag", lag, AtomicLong::get)
                .description("records of sync.state-deltas not yet delivered by this sink's consumer")
                .tag("sink", sink).register(registry);
    }

    public void delivered(int n) {
        delivered.increment(n);
    }

    public void retried() {
        retries.increment();
    }

    public void deadLettered(String reason) {
        deadLetters.increment();
        registry.counter("sync.egress.dead.letters.by.reason", "sink", sink, "reason", reason).increment();
    }

    void batch(Duration took) {
        batches.record(took);
    }

    void lag(long records) {
        lag.set(records);
    }

    public long deliveredCount() {
        return (long) delivered.count();
    }

    public long retryCount() {
        return (long) retries.count();
    }

    public long deadLetterCount() {
        return (long) deadLetters.count();
    }

    public long lagRecords() {
        return lag.get();
    }
}
