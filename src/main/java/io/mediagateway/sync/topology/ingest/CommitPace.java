package io.mediagateway.sync.topology.ingest;

/**
 * When the tasks of a stream thread ask Kafka Streams to commit early. Under exactly-once a delta is visible to its
 * readers only once its transaction commits, so a task that keeps up with its input asks for a commit
 * {@code intervalMs} (20 ms by default) after the thread's previous commit ended, when it has processed a record
 * appended at most {@link #FRESH_MS} before and not yet committed — its punctuator asks ({@link Task#tick}). A task
 * working through a backlog (a restart, a replay, a long outage: its records are older than that) does not ask, and
 * Kafka Streams' own, longer {@code commit.interval.ms} paces it.
 *
 * <p>Why: Kafka Streams counts its interval from the end of the previous commit, so the processing between two commits
 * is the interval however long a commit takes. A loaded cluster of three brokers took about a second per commit, and
 * at the fault suite's 100 ms the threads processed ~15 records between two: ~15 records/s of catch-up. (Kafka
 * Streams also halves the records it processes per task between two looks at the clock after each look that commits
 * or punctuates.) This pace too counts from the end of the previous commit, so processing always comes between two.
 *
 * <p>One pace per stream thread ({@link #ofThisThread}): under exactly-once a thread's tasks commit together, so the
 * commit one task asks for is every task's. A commit asked for in a punctuation is made before the thread processes
 * again, or punctuates in a later pass, so the next record of any task of the thread, or its next tick in a later
 * millisecond (ticks of one pass come in the same one), marks its end.
 */
public final class CommitPace {
    /** A record appended longer ago than this when processed: the task is behind, and the longer interval paces it. */
    public static final long FRESH_MS = 500;

    private static final ThreadLocal<CommitPace> THREAD_PACE = new ThreadLocal<>();

    private final long intervalMs;
    /** Commits asked for and made so far; a task's fresh record of an earlier round is committed. */
    private long round;
    /** The round of the last fresh record any task of the thread processed. */
    private long freshRound = -1;
    /** A tick found nothing fresh to commit since the last commit: the thread was quiet, not busy, since it ended. */
    private boolean quiet;
    private boolean asked;
    private long askedAtMs;
    private long committedAtMs = Long.MIN_VALUE;

    CommitPace(long intervalMs) {
        this.intervalMs = intervalMs;
    }

    /** The pace of the calling stream thread (made with {@code intervalMs} the first time it is asked for). */
    public static CommitPace ofThisThread(long intervalMs) {
        CommitPace pace = THREAD_PACE.get();
        if (pace == null || pace.intervalMs != intervalMs) {
            pace = new CommitPace(intervalMs);
            THREAD_PACE.set(pace);
        }
        return pace;
    }

    /** The thread went on after a commit was asked for: the commit was made, and ended before {@code wallNowMs}. */
    private void observe(long wallNowMs) {
        if (asked) {
            asked = false;
            round++;
            committedAtMs = wallNowMs;
        }
    }

    /** One task's part: whether it holds a fresh record not yet committed. */
    public static final class Task {
        private final long intervalMs;
        private long freshRound = -1;

        public Task(long intervalMs) {
            this.intervalMs = intervalMs;
        }

        /**
         * The task processes a record appended at {@code recordTimestampMs}, at {@code wallNowMs}; whether the record is
         * fresh (the task then ticks, every millisecond it is given: see the processor).
         */
        public boolean noteRecord(long recordTimestampMs, long wallNowMs) {
            CommitPace pace = ofThisThread(intervalMs);
            pace.observe(wallNowMs);
            if (wallNowMs - recordTimestampMs <= FRESH_MS) {
                freshRound = pace.round;
                pace.freshRound = pace.round;
                return true;
            }
            return false;
        }

        /**
         * The task's punctuator ticks at {@code wallNowMs}: whether it should ask for a commit now — it holds a fresh
         * record not yet committed, and the interval has passed since the thread's last commit ended, or the thread
         * was quiet since (a tick found nothing to commit: no processing to make room for, and a lone write on a quiet
         * service is committed in the pass that processed it).
         */
        public boolean tick(long wallNowMs) {
            CommitPace pace = ofThisThread(intervalMs);
            if (wallNowMs > pace.askedAtMs) {
                pace.observe(wallNowMs);
            }
            if (pace.freshRound != pace.round) {
                pace.quiet = true;
            }
            if (freshRound != pace.round || !pace.quiet && pace.committedAtMs != Long.MIN_VALUE
                    && wallNowMs - pace.committedAtMs < pace.intervalMs) {
                return false;
            }
            pace.asked = true;
            pace.askedAtMs = wallNowMs;
            pace.quiet = false;
            return true;
        }
    }
}
