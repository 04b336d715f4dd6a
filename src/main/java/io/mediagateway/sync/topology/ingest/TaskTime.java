package io.mediagateway.sync.topology.ingest;

/**
 * A task's sense of time: stream time (the newest record timestamp), and when the last record came by the
 * wall clock, so presence can be judged by the log's time while the task catches up on old records.
 */
public final class TaskTime {
    private final long presenceTimeoutMs;
    private final long presenceCheckIntervalMs;
    private long streamTimeMs = -1;
    private long lastRecordTimestampMs = -1;
    private long lastRecordWallMs = -1;

    public TaskTime(long presenceTimeoutMs, long presenceCheckIntervalMs) {
        this.presenceTimeoutMs = presenceTimeoutMs;
        this.presenceCheckIntervalMs = presenceCheckIntervalMs;
    }

    public void noteRecord(long timestamp, long wallNow) {
        streamTimeMs = Math.max(streamTimeMs, timestamp);
        lastRecordTimestampMs = timestamp;
        lastRecordWallMs = wallNow;
    }

    public long streamTimeMs() {
        return streamTimeMs;
    }

    /**
     * The time presence is judged by: the wall clock, except while this task is catching up on old
     * records (the last record, processed moments ago, was older than the timeout) — a replay or a
     * restart after an outage. Then it is the time of the log, so devices time out where the log says
     * they went silent, not between two heartbeats the replay has not reached yet.
     */
    long presenceNow(long wallNow) {
        boolean recentlyActive = lastRecordWallMs >= 0 && wallNow - lastRecordWallMs <= 2 * presenceCheckIntervalMs;
        boolean oldRecords = lastRecordWallMs - lastRecordTimestampMs > presenceTimeoutMs;
        return recentlyActive && oldRecords ? streamTimeMs : wallNow;
    }
}
