package io.mediagateway.sync.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ThreadDeathsTest {
    private Instant now = Instant.parse("2026-12-07T03:00:00Z");
    private final ThreadDeaths deaths = new ThreadDeaths(new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    });

    @Test
    void theFirstDeathIsReplaced() {
        assertThat(deaths.onDeath()).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void aSecondDeathWithinTheWindowGivesTheProcessUp() {
        deaths.onDeath();
        now = now.plus(ThreadDeaths.WINDOW).minusSeconds(1);
        assertThat(deaths.onDeath()).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void deathsFurtherApartAreEachReplaced() {
        deaths.onDeath();
        now = now.plus(ThreadDeaths.WINDOW);
        assertThat(deaths.onDeath()).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        now = now.plus(ThreadDeaths.WINDOW).plus(Duration.ofSeconds(1));
        assertThat(deaths.onDeath()).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }
}
