package io.mediagateway.sync.topology;

/**
 * How much of each user's change history the topology keeps (contract §13): at least the last
 * {@code maxChanges} changes not older than {@code retentionMs}.
 */
public record HistoryLimits(int maxChanges, long retentionMs) {
    /** {@code SYNC_HISTORY_MAX_CHANGES} and {@code SYNC_HISTORY_RETENTION_MS}'s defaults. */
    public static final HistoryLimits DEFAULT = new HistoryLimits(100, 86_400_000L);

    public HistoryLimits {
        if (maxChanges < 1 || maxChanges > 100_000) {
            throw new IllegalArgumentException("the history keeps 1 to 100000 changes per user");
        }
        if (retentionMs < 1) {
            throw new IllegalArgumentException("the history retention must be > 0 ms");
        }
    }
}
