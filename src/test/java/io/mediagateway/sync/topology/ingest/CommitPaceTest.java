package io.mediagateway.sync.topology.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommitPaceTest {
    private static final long NOW = 1_796_000_000_000L;

    @Test
    void aTaskThatProcessedAFreshRecordAsksForACommitAtItsNextTickAndOnlyThen() {
        CommitPace pace = new CommitPace();
        assertThat(pace.due()).as("nothing processed").isFalse();
        pace.noteRecord(NOW - 3, NOW);
        assertThat(pace.due()).isTrue();
        assertThat(pace.due()).as("asked once per fresh record processed since").isFalse();
        pace.noteRecord(NOW - CommitPace.FRESH_MS, NOW);
        assertThat(pace.due()).as("appended just within the bound").isTrue();
    }

    @Test
    void aTaskWorkingThroughABacklogLeavesItsCommitsToKafkaStreamsInterval() {
        CommitPace pace = new CommitPace();
        pace.noteRecord(NOW - CommitPace.FRESH_MS - 1, NOW);
        pace.noteRecord(NOW - 60_000, NOW);
        assertThat(pace.due()).isFalse();
        // The backlog ends: the first fresh record brings the short pace back.
        pace.noteRecord(NOW + 10, NOW + 10);
        assertThat(pace.due()).isTrue();
    }

    @Test
    void aRecordStampedAheadOfTheClockCountsAsFresh() {
        CommitPace pace = new CommitPace();
        pace.noteRecord(NOW + 5_000, NOW);
        assertThat(pace.due()).isTrue();
    }
}
