package io.mediagateway.sync.topology.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Each test runs its "tasks" on a thread of its own: the pace is the thread's. */
class CommitPaceTest {
    private static final long T = 1_796_000_000_000L;

    private static void onItsOwnThread(Runnable test) throws Exception {
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                test.run();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        t.join();
        if (failure[0] instanceof AssertionError e) {
            throw e;
        }
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
    }

    @Test
    void aTaskWithAFreshRecordAsksOnceTheIntervalHasPassedSinceTheThreadsLastCommitEnded() throws Exception {
        onItsOwnThread(() -> {
            CommitPace.Task task = new CommitPace.Task(20);
            assertThat(task.tick(T)).as("nothing processed").isFalse();
            task.noteRecord(T - 3, T);
            assertThat(task.tick(T + 5)).as("no commit before: at once").isTrue();
            assertThat(task.tick(T + 10)).as("the commit it asked for ended: nothing left to commit").isFalse();
            // The next record comes 300 ms later; the commit ended at the tick 10 ms after it was asked for.
            task.noteRecord(T + 300, T + 300);
            assertThat(task.tick(T + 310)).as("300 ms after the last commit").isTrue();
            task.noteRecord(T + 320, T + 320);
            assertThat(task.tick(T + 325)).as("5 ms after the commit ended (at the record)").isFalse();
            assertThat(task.tick(T + 340)).as("20 ms after").isTrue();
            task.noteRecord(T + 400 - CommitPace.FRESH_MS, T + 400);
            assertThat(task.tick(T + 420)).as("appended just within the bound").isTrue();
        });
    }

    @Test
    void aTaskWorkingThroughABacklogLeavesItsCommitsToKafkaStreamsInterval() throws Exception {
        onItsOwnThread(() -> {
            CommitPace.Task task = new CommitPace.Task(20);
            task.noteRecord(T - CommitPace.FRESH_MS - 1, T);
            task.noteRecord(T - 60_000, T + 1);
            assertThat(task.tick(T + 100)).isFalse();
            // The backlog ends: the first fresh record brings the short pace back.
            task.noteRecord(T + 110, T + 110);
            assertThat(task.tick(T + 120)).isTrue();
        });
    }

    @Test
    void aTickOfTheSamePassAsTheAskIsNotTakenForTheCommitsEnd() throws Exception {
        onItsOwnThread(() -> {
            CommitPace.Task a = new CommitPace.Task(20);
            CommitPace.Task b = new CommitPace.Task(20);
            a.noteRecord(T, T);
            b.noteRecord(T, T);
            assertThat(a.tick(T + 1)).isTrue();
            assertThat(b.tick(T + 1)).as("same pass: b asks for the same commit, still to come").isTrue();
            // The commit took 300 ms; b's next record comes after it: 20 ms of processing before the next commit.
            b.noteRecord(T + 301, T + 301);
            assertThat(b.tick(T + 302)).isFalse();
            assertThat(b.tick(T + 321)).isTrue();
        });
    }

    @Test
    void onAQuietThreadALoneWriteIsCommittedAtOnceEvenSoonAfterTheLastCommit() throws Exception {
        onItsOwnThread(() -> {
            CommitPace.Task task = new CommitPace.Task(20);
            task.noteRecord(T, T);
            assertThat(task.tick(T + 1)).isTrue();
            assertThat(task.tick(T + 11)).as("the next pass: the commit ended, nothing new").isFalse();
            task.noteRecord(T + 15, T + 15);
            assertThat(task.tick(T + 16)).as("4 ms after the commit's end was seen, but nothing came between").isTrue();
        });
    }

    @Test
    void aFreshRecordIsSaidToBe() throws Exception {
        onItsOwnThread(() -> {
            CommitPace.Task task = new CommitPace.Task(20);
            assertThat(task.noteRecord(T - 10, T)).isTrue();
            assertThat(task.noteRecord(T - CommitPace.FRESH_MS - 1, T)).isFalse();
        });
    }

    @Test
    void aRecordStampedAheadOfTheClockCountsAsFresh() throws Exception {
        onItsOwnThread(() -> {
            CommitPace.Task task = new CommitPace.Task(20);
            task.noteRecord(T + 5_000, T);
            assertThat(task.tick(T)).isTrue();
        });
    }

    @Test
    void theTasksOfOneThreadCommitTogetherAndOnlyATaskWithAFreshRecordAsks() throws Exception {
        onItsOwnThread(() -> {
            CommitPace.Task a = new CommitPace.Task(20);
            CommitPace.Task b = new CommitPace.Task(20);
            a.noteRecord(T, T);
            assertThat(b.tick(T + 1)).as("b has nothing to commit: its ask would not be a commit").isFalse();
            assertThat(a.tick(T + 2)).isTrue();
            // b processes a fresh record after a's commit: it asks once the interval since that commit has passed.
            b.noteRecord(T + 5, T + 5);
            assertThat(b.tick(T + 15)).isFalse();
            assertThat(a.tick(T + 25)).as("a's record was committed").isFalse();
            assertThat(b.tick(T + 26)).isTrue();
        });
        CommitPace mine = CommitPace.ofThisThread(20);
        CommitPace[] other = new CommitPace[1];
        Thread t = new Thread(() -> other[0] = CommitPace.ofThisThread(20));
        t.start();
        t.join();
        assertThat(other[0]).isNotNull().isNotSameAs(mine);
        assertThat(CommitPace.ofThisThread(20)).isSameAs(mine);
    }
}
