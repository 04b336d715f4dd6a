package io.mediagateway.sync.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The notifications one user has kept, oldest first: what bounds the user's notifications (contract §14: "the
 * last 50 within 7 days at least"). A notification joins when the service first stores anything of it (it, or a
 * read or dismiss that came first); when the index holds more than {@link Limits#maxKept()}, or more than
 * {@link Limits#minKept()} and the oldest arrived before the retention, the oldest leave — and their state with
 * them. So at least the last {@code minKept} notifications not older than the retention are kept, never more than
 * {@code maxKept}, and one notification costs the same whatever the user holds: the index is bounded. Immutable.
 */
public record NotificationIndex(List<Entry> entries) {
    public static final NotificationIndex EMPTY = new NotificationIndex(List.of());

    /** One kept notification: its id and when the service first stored something of it. */
    public record Entry(String id, long addedAtMs) {
        public Entry {
            Objects.requireNonNull(id, "id");
        }
    }

    /**
     * How many notifications a user keeps.
     *
     * @param minKept     kept at least, while not older than {@code retentionMs}
     * @param maxKept     kept at most
     * @param retentionMs beyond {@code minKept}, older ones leave
     */
    public record Limits(int minKept, int maxKept, long retentionMs) {
        /** The specification's: 50 within 7 days at least, 100 at most. */
        public static final Limits DEFAULT = new Limits(50, 100, 7L * 24 * 3600 * 1000);

        public Limits {
            if (minKept < 1 || maxKept < minKept || retentionMs < 1) {
                throw new IllegalArgumentException("need 1 ≤ minKept ≤ maxKept and a positive retention, not "
                        + minKept + ", " + maxKept + ", " + retentionMs);
            }
        }
    }

    /** The index after a notification joined, and which ids left it. */
    public record Added(NotificationIndex index, List<String> evicted) {
    }

    public NotificationIndex {
        entries = List.copyOf(entries);
    }

    /** {@code id} joins at {@code atMs}; the oldest leave as {@code limits} say. */
    public Added add(String id, long atMs, Limits limits) {
        List<Entry> kept = new ArrayList<>(entries.size() + 1);
        kept.addAll(entries);
        kept.add(new Entry(id, atMs));
        List<String> evicted = new ArrayList<>();
        long cutoff = atMs - limits.retentionMs();
        int first = 0;
        while (kept.size() - first > limits.maxKept()
                || (kept.size() - first > limits.minKept() && kept.get(first).addedAtMs() < cutoff)) {
            evicted.add(kept.get(first).id());
            first++;
        }
        return new Added(new NotificationIndex(kept.subList(first, kept.size())), evicted);
    }

    public int size() {
        return entries.size();
    }
}
