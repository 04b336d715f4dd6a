package io.mediagateway.sync.topology.ingest;

/**
 * When a task asks Kafka Streams to commit early. Under exactly-once a delta is visible to its readers only once its
 * transaction commits, so a task that keeps up with its input commits {@code intervalMs} (20 ms by default) after its
 * previous commit ended, when it has processed a record appended at most {@link #FRESH_MS} before — its punctuator
 * asks, {@link #due}. A task working through a backlog (a restart, a replay, a long outage: its records are older
 * than that) does not ask, and Kafka Streams' own, longer {@code commit.interval.ms} paces it.
 *
 * <p>Why: Kafka Streams processes up to N records per task between two looks at the clock, adds one to N after a
 * look without commit or punctuation and halves it after one with. When every look commits — commits that take longer
 * than the interval (a loaded cluster of three brokers took ~300 ms) — N stays 1, and the thread processed one record
 * per task per commit: ~15 records/s in the fault suite's catch-up. The interval counts from the end of the previous
 * commit (as Kafka Streams' own does), so some processing always comes between two commits; the end is seen as the
 * first record processed after an asked-for commit (Kafka Streams commits before it processes again).
 *
 * <p>One pace per stream thread, shared by its tasks ({@link #ofThisThread}): under exactly-once a thread's tasks
 * commit together, so a commit one task asks for is every task's, and tasks asking each on their own schedule would
 * commit as many times as the thread has tasks.
 */
public final class CommitPace {
    private static final ThreadLocal<CommitPace> THREAD_PACE = new ThreadLocal<>();

    /** The pace of the calling stream thread's tasks (made with {@code intervalMs} the first time it is asked for). */
    public static CommitPace ofThisThread(long intervalMs) {
        CommitPace pace = THREAD_PACE.get();
        if (pace == null || pace.intervalMs != intervalMs) {
            pace = new CommitPace(intervalMs);
            THREAD_PACE.set(pace);
        }
        return pace;
    }

    /** A record appended longer ago than this when processed: the task is behind, and the longer interval paces it. */
    public static final long FRESH_MS = 500;

    private final long intervalMs;
    private boolean freshSinceLastCommit;
    private boolean asked;
    private long committedAtMs = Long.MIN_VALUE;

    public CommitPace(long intervalMs) {
        this.intervalMs = intervalMs;
    }

    /** A record appended at {@code recordTimestampMs} is processed at {@code wallNowMs}. */
    public void noteRecord(long recordTimestampMs, long wallNowMs) {
        if (asked) {
            asked = false;
            committedAtMs = wallNowMs;   // the commit asked for came before this record
        }
        if (wallNowMs - recordTimestampMs <= FRESH_MS) {
            freshSinceLastCommit = true;
        }
    }

    /**
     * Whether the task should ask for a commit at {@code wallNowMs} (its punctuator's tick): a record processed since
     * the last commit was fresh, and the interval has passed since that commit ended.
     */
    public boolean due(long wallNowMs) {
        if (!freshSinceLastCommit || committedAtMs != Long.MIN_VALUE && wallNowMs - committedAtMs < intervalMs) {
            return false;
        }
        freshSinceLastCommit = false;
        asked = true;
        return true;
    }
}
