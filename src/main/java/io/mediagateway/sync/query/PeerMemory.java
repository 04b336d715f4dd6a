package io.mediagateway.sync.query;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The other instances a read may ask for their copy of a user: those in Kafka Streams' metadata now, then those seen
 * in it within {@link #MEMORY} that it does not name now — a rebalance, or the restart of this instance or another,
 * can leave out exactly the instance whose copy could answer. An instance unseen for longer is forgotten (instances
 * come and go with new addresses: the memory stays small). Times are {@link System#nanoTime()} values.
 */
final class PeerMemory {
    /** How long an instance no longer in the metadata is still asked. */
    static final Duration MEMORY = Duration.ofMinutes(10);

    private final Map<String, Long> seen = new ConcurrentHashMap<>();

    /** {@code peers} are in the metadata at {@code nowNanos}. */
    void saw(List<String> peers, long nowNanos) {
        peers.forEach(p -> seen.put(p, nowNanos));
    }

    /**
     * The peers to ask at {@code nowNanos}: {@code current} (in the metadata now) first, then the remembered others, the
     * most lately seen first.
     */
    List<String> peers(List<String> current, long nowNanos) {
        saw(current, nowNanos);
        long since = nowNanos - MEMORY.toNanos();
        seen.values().removeIf(at -> at - since <= 0);
        List<String> out = new ArrayList<>(current);
        seen.entrySet().stream().filter(e -> !out.contains(e.getKey()))
                .sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))   // the most lately seen first
                .forEach(e -> out.add(e.getKey()));
        return out;
    }
}
