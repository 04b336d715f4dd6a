package io.mediagateway.sync.topology.ingest;

/**
 * When a task asks Kafka Streams to commit early. Under exactly-once a delta is visible to its readers only once its
 * transaction commits, so a service that keeps up with its input commits every {@code caughtUpIntervalMs} (20 ms by
 * default) of wall-clock time, while it has processed a record appended at most {@link #FRESH_MS} before — its
 * punctuator asks, {@link #due}. A task working through a backlog (a restart, a replay, a long outage: its records
 * are older than that) does not ask, and Kafka Streams' own, longer {@code commit.interval.ms} paces it.
 *
 * <p>Why: Kafka Streams processes up to N records per task between two looks at the clock, adds one to N after a
 * look without commit or punctuation and halves it after one with. When every look commits — a commit that takes
 * longer than the interval (a loaded cluster of three brokers took ~300 ms) — N stays 1, and the thread processed
 * one record per task per commit: ~15 records/s in the fault suite's catch-up, against ~6,500/s arriving. With
 * commits that far apart only while the records are fresh, a backlog is worked through in the batches it needs.
 */
public final class CommitPace {
    /** A record appended longer ago than this when processed: the task is behind, and the longer interval paces it. */
    public static final long FRESH_MS = 500;

    private boolean freshSinceLastCommit;

    /** A record appended at {@code recordTimestampMs} was processed at {@code wallNowMs}. */
    public void noteRecord(long recordTimestampMs, long wallNowMs) {
        if (wallNowMs - recordTimestampMs <= FRESH_MS) {
            freshSinceLastCommit = true;
        }
    }

    /**
     * Whether the task should ask for a commit now (its punctuator's tick, every {@code caughtUpIntervalMs}): a
     * record processed since the last tick was fresh. The answer resets the question.
     */
    public boolean due() {
        boolean due = freshSinceLastCommit;
        freshSinceLastCommit = false;
        return due;
    }
}
