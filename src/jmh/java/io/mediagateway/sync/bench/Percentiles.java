package io.mediagateway.sync.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Latencies in microseconds and their percentiles in milliseconds. */
final class Percentiles {
    private final List<Long> micros = new ArrayList<>();

    synchronized void add(long nanos) {
        micros.add(nanos / 1000);
    }

    synchronized double ms(double q) {
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size()))) / 1000.0;
    }

    synchronized int count() {
        return micros.size();
    }
}
