package io.mediagateway.sync.app.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aLineShowsDoneOfTotalTheRateAndTheTimeLeft() {
        assertThat(ProgressBar.line(250_000, 1_000_000, 5_000))
                .isEqualTo("[########......................]  25.0%  250,000 / 1,000,000 records  5,000 rec/s  ETA 2:30");
        assertThat(ProgressBar.line(0, 1_000, 0)).endsWith("0 rec/s  ETA --:--");
        assertThat(ProgressBar.line(10, 10, 3)).contains("100.0%", "ETA 0:00");
        assertThat(ProgressBar.line(0, 0, 0)).as("nothing to do is done").contains("100.0%");
        assertThat(ProgressBar.duration(3 * 3600 + 62)).isEqualTo("3:01:02");
    }

    @Test
    void theRateIsThatOfTheLastFewSeconds() {
        ProgressBar bar = new ProgressBar(new PrintStream(new ByteArrayOutputStream()), true, Duration.ofSeconds(5));
        bar.update(0, 100_000, 0);
        bar.update(10_000, 100_000, SECOND);          // 10,000/s
        bar.update(10_000, 100_000, 7 * SECOND);      // stalled for 6 s
        bar.update(11_000, 100_000, 8 * SECOND);
        assertThat(bar.rate()).as("over the samples of the last 5 s, not since the start").isBetween(100.0, 1_000.0);
    }

    @Test
    void onATerminalItRedrawsOneLineElsewhereItPrintsALineNowAndThen() {
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        ProgressBar redraw = new ProgressBar(new PrintStream(terminal, true, StandardCharsets.UTF_8), true,
                Duration.ofSeconds(5));
        redraw.update(1, 10, 0);
        redraw.update(2, 10, SECOND);
        redraw.finish();
        assertThat(terminal.toString(StandardCharsets.UTF_8)).startsWith("\r[").contains("\r[").endsWith("\n")
                .satisfies(s -> assertThat(s.chars().filter(c -> c == '\n').count()).isEqualTo(1));

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        ProgressBar lines = new ProgressBar(new PrintStream(log, true, StandardCharsets.UTF_8), false, Duration.ofSeconds(5));
        lines.update(1, 10, 10 * SECOND);
        lines.update(2, 10, 11 * SECOND);             // within 5 s of the last line: not printed
        lines.update(3, 10, 16 * SECOND);
        lines.update(10, 10, 17 * SECOND);            // the end is always printed
        assertThat(log.toString(StandardCharsets.UTF_8).lines()).hasSize(3).noneMatch(l -> l.contains("\r"));
    }
}
