package io.mediagateway.sync.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.LagInfo;
import org.junit.jupiter.api.Test;

class StoreLagsTest {
    private static final long SECOND = 1_000_000_000L;

    /** The background thread, run by hand: a measurement runs only when the test says so. */
    private final Deque<Runnable> background = new ArrayDeque<>();
    private final AtomicLong now = new AtomicLong(100 * SECOND);

    @Test
    void aStaleReadIsAnsweredAtOnceWithWhatIsKnownWhileTheMeasurementWaitsForTheBrokers() throws Exception {
        AtomicInteger measurements = new AtomicInteger();
        CountDownLatch brokersAnswer = new CountDownLatch(1);
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            StoreLags lags = new StoreLags(() -> {
                measurements.incrementAndGet();
                await(brokersAnswer);   // the admin call of allLocalStorePartitionLags, a leader broker down
                return Map.of(3, lagInfo(90, 100));
            }, thread, now::get);
            // Nothing measured yet: said so at once, and one measurement starts however many reads come meanwhile.
            long started = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                assertThat(lags.staleness(3)).isEqualTo("stale; lag unknown");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
            brokersAnswer.countDown();
            thread.submit(() -> { }).get(5, TimeUnit.SECONDS);   // the measurement has ended
            assertThat(measurements.get()).isEqualTo(1);
            assertThat(lags.of(3)).isPresent();
        } finally {
            thread.shutdownNow();
        }
    }

    @Test
    void aFreshMeasurementIsShownAsItIsAnOlderOneWithItsAgeWhileANewOneRuns() {
        AtomicReference<Map<Integer, LagInfo>> answer = new AtomicReference<>(Map.of(3, lagInfo(90, 100)));
        StoreLags lags = new StoreLags(answer::get, background::add, now::get);
        lags.of(3);
        runBackground();
        assertThat(lags.staleness(3)).isEqualTo("stale; lag 10 records (90 of 100)");
        assertThat(lags.staleness(4)).isEqualTo("stale; lag unknown");
        assertThat(background).isEmpty();   // fresh: nothing measured again

        now.addAndGet(5 * SECOND);
        answer.set(Map.of(3, lagInfo(100, 100)));
        assertThat(lags.staleness(3)).isEqualTo("stale; lag 10 records (90 of 100, measured 5 s ago)");
        assertThat(lags.staleness(3)).isEqualTo("stale; lag 10 records (90 of 100, measured 5 s ago)");
        assertThat(background).hasSize(1);   // one measurement for both reads
        runBackground();
        assertThat(lags.staleness(3)).isEqualTo("stale; lag 0 records (100 of 100)");
    }

    @Test
    void aMeasurementThatFoundNoCopyHereIsNotRepeatedWhileFresh() {
        AtomicInteger calls = new AtomicInteger();
        StoreLags lags = new StoreLags(() -> {
            calls.incrementAndGet();
            return Map.of();
        }, background::add, now::get);
        lags.of(3);
        runBackground();
        assertThat(lags.staleness(3)).isEqualTo("stale; lag unknown");
        assertThat(background).isEmpty();
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void aRebalanceForgetsWhatWasMeasuredAndAMeasurementBegunBeforeItIsNotKept() {
        StoreLags lags = new StoreLags(() -> Map.of(3, lagInfo(90, 100)), background::add, now::get);
        lags.of(3);
        runBackground();
        assertThat(lags.of(3)).isPresent();
        now.addAndGet(2 * SECOND);
        lags.of(3);        // a measurement starts...
        lags.forget();     // ...and the partitions move before the brokers answer
        runBackground();
        assertThat(lags.staleness(3)).isEqualTo("stale; lag unknown");
        runBackground();   // the read above started a new one
        assertThat(lags.staleness(3)).isEqualTo("stale; lag 10 records (90 of 100)");
    }

    @Test
    void aMeasurementThatFailsKeepsWhatIsKnownAndIsTriedAgain() {
        AtomicInteger calls = new AtomicInteger();
        StoreLags lags = new StoreLags(() -> {
            if (calls.incrementAndGet() == 2) {
                throw new IllegalStateException("the streams are not running");
            }
            return Map.of(3, lagInfo(100, 100));
        }, background::add, now::get);
        lags.of(3);
        runBackground();
        now.addAndGet(2 * SECOND);
        lags.of(3);
        runBackground();   // fails
        assertThat(calls.get()).isEqualTo(2);
        assertThat(lags.staleness(3)).isEqualTo("stale; lag 0 records (100 of 100, measured 2 s ago)");
        runBackground();   // the read above tried again
        assertThat(calls.get()).isEqualTo(3);
        assertThat(lags.staleness(3)).isEqualTo("stale; lag 0 records (100 of 100)");
    }

    private void runBackground() {
        while (!background.isEmpty()) {
            background.poll().run();
        }
    }

    private static LagInfo lagInfo(long position, long end) {
        try {
            var constructor = LagInfo.class.getDeclaredConstructor(long.class, long.class);
            constructor.setAccessible(true);
            return constructor.newInstance(position, end);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
