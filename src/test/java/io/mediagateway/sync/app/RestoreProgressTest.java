package io.mediagateway.sync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class RestoreProgressTest {
    private static final String STORE = "watchlist";
    private static final TopicPartition P0 = new TopicPartition("app-watchlist-changelog", 0);
    private static final TopicPartition P1 = new TopicPartition("app-watchlist-changelog", 1);

    @Test
    void shouldSumAStoresPartitionsAndEstimateTheTimeLeftFromTheRateSoFar() {
        // given two partitions of one store with 600 and 400 records to restore
        AtomicLong nanos = new AtomicLong();
        RestoreProgress progress = new RestoreProgress(nanos::get, Duration.ofSeconds(5));
        progress.onRestoreStart(P0, STORE, 100, 700);
        progress.onRestoreStart(P1, STORE, 0, 400);

        // when 250 records are restored in 10 s
        nanos.set(Duration.ofSeconds(10).toNanos());
        progress.onBatchRestored(P0, STORE, 300, 200);
        progress.onBatchRestored(P1, STORE, 50, 50);

        // then it is 25 % done at 25 records/s, with 750 records (30 s) to go
        RestoreProgress.Store store = progress.progress(STORE);
        assertThat(store.total).isEqualTo(1000);
        assertThat(store.percent()).isEqualTo(25.0);
        assertThat(store.rate(nanos.get())).isEqualTo(25.0);
        assertThat(store.eta(nanos.get())).isEqualTo(Duration.ofSeconds(30));
        assertThat(progress.restoredTotal()).isEqualTo(250);
        assertThat(RestoreProgress.formatEta(Duration.ofSeconds(30))).isEqualTo("30 s");
        assertThat(RestoreProgress.formatEta(Duration.ofSeconds(3725))).isEqualTo("1 h 2 min");
    }

    @Test
    void shouldForgetAStoreOnlyWhenAllItsPartitionsAreDoneOrMoved() {
        AtomicLong nanos = new AtomicLong();
        RestoreProgress progress = new RestoreProgress(nanos::get, Duration.ofSeconds(5));
        progress.onRestoreStart(P0, STORE, 0, 10);
        progress.onRestoreStart(P1, STORE, 0, 10);

        progress.onRestoreEnd(P0, STORE, 10);
        assertThat(progress.progress(STORE)).isNotNull();
        assertThat(progress.progress(STORE).eta(nanos.get())).as("nothing restored yet: unknown").isNull();

        progress.onRestoreSuspended(P1, STORE, 3);
        assertThat(progress.progress(STORE)).isNull();
    }
}
