package io.mediagateway.sync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.testing.SettableClock;
import java.time.Instant;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ThreadDeathsTest {
    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-07T03:00:00Z"));
    private final ThreadDeaths deaths = new ThreadDeaths(clock);

    @Test
    void theFirstDeathIsReplaced() {
        assertThat(deaths.onDeath()).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void aSecondDeathWithinTheWindowGivesTheProcessUp() {
        deaths.onDeath();
        clock.advance(ThreadDeaths.WINDOW.minusSeconds(1));
        assertThat(deaths.onDeath()).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void deathsFurtherApartAreEachReplaced() {
        deaths.onDeath();
        clock.advance(ThreadDeaths.WINDOW);
        assertThat(deaths.onDeath()).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        clock.advance(ThreadDeaths.WINDOW.plusSeconds(1));
        assertThat(deaths.onDeath()).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }
}
