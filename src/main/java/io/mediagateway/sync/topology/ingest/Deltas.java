package io.mediagateway.sync.topology.ingest;

import io.mediagateway.sync.deadletter.DeadLetters;
import io.mediagateway.sync.model.Delta;
import io.mediagateway.sync.topics.Topics;

/**
 * The deltas of one input record: ids {@code <partition>-<offset>-<n>} ({@code n<partition>-<offset>-<n>} for a
 * record of {@code sync.notifications}, so the two inputs' ids never meet), the same on every reprocessing, stamped
 * with the record's timestamp.
 */
public final class Deltas {
    /** Where deltas go (the topology's sink, or nowhere in a silent replay). */
    @FunctionalInterface
    public interface Out {
        void delta(String user, Delta delta, long timestamp);
    }

    final String user;
    final long timestamp;
    private final DeadLetters.Origin origin;
    private final Out out;
    private int next;

    public Deltas(String user, DeadLetters.Origin origin, long timestamp, Out out) {
        this.user = user;
        this.origin = origin;
        this.timestamp = timestamp;
        this.out = out;
    }

    String nextId() {
        String prefix = Topics.NOTIFICATIONS.name().equals(origin.topic()) ? "n" : "";
        return prefix + origin.partition() + "-" + origin.offset() + "-" + next++;
    }

    void emit(Delta delta) {
        out.delta(user, delta, timestamp);
    }
}
