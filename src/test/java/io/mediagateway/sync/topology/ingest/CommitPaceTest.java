package io.mediagateway.sync.topology.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommitPaceTest {
    private static final long T = 1_796_000_000_000L;

    @Test
    void aTaskThatProcessedAFreshRecordAsksForACommitOnceTheIntervalHasPassedSinceTheLastOneEnded() {
        CommitPace pace = new CommitPace(20);
        assertThat(pace.due(T)).as("nothing processed").isFalse();
        pace.noteRecord(T - 3, T);
        assertThat(pace.due(T + 5)).as("no commit before: at once").isTrue();
        assertThat(pace.due(T + 10)).as("asked once per fresh record processed since").isFalse();
        // The commit took 300 ms: the next record is processed after it ended.
        pace.noteRecord(T + 300, T + 310);
        assertThat(pace.due(T + 320)).as("10 ms after the commit ended").isFalse();
        assertThat(pace.due(T + 330)).as("20 ms after").isTrue();
        pace.noteRecord(T + 340 - CommitPace.FRESH_MS, T + 340);
        assertThat(pace.due(T + 400)).as("appended just within the bound").isTrue();
    }

    @Test
    void aTaskWorkingThroughABacklogLeavesItsCommitsToKafkaStreamsInterval() {
        CommitPace pace = new CommitPace(20);
        pace.noteRecord(T - CommitPace.FRESH_MS - 1, T);
        pace.noteRecord(T - 60_000, T + 1);
        assertThat(pace.due(T + 100)).isFalse();
        // The backlog ends: the first fresh record brings the short pace back.
        pace.noteRecord(T + 110, T + 110);
        assertThat(pace.due(T + 120)).isTrue();
    }

    @Test
    void aRecordStampedAheadOfTheClockCountsAsFresh() {
        CommitPace pace = new CommitPace(20);
        pace.noteRecord(T + 5_000, T);
        assertThat(pace.due(T)).isTrue();
    }

    @Test
    void theTasksOfOneThreadShareOnePaceAndAnotherThreadHasItsOwn() throws Exception {
        CommitPace mine = CommitPace.ofThisThread(20);
        assertThat(CommitPace.ofThisThread(20)).isSameAs(mine);
        CommitPace[] other = new CommitPace[1];
        Thread t = new Thread(() -> other[0] = CommitPace.ofThisThread(20));
        t.start();
        t.join();
        assertThat(other[0]).isNotNull().isNotSameAs(mine);
        // One task's fresh record and ask: the other task of the thread finds no commit due.
        mine.noteRecord(T, T);
        assertThat(CommitPace.ofThisThread(20).due(T)).isTrue();
        assertThat(CommitPace.ofThisThread(20).due(T + 1)).isFalse();
    }
}
