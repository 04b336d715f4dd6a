package io.mediagateway.sync.app.replay;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;

/**
 * A progress bar for the terminal: records done of the total, the rate over the last few seconds and
 * the time left at that rate. On a terminal it redraws one line; otherwise (a log file, CI) it prints a
 * line every {@code lineEvery}.
 */
public final class ProgressBar {
    private static final int WIDTH = 30;
    private static final long RATE_WINDOW_NANOS = 5_000_000_000L;

    private record Sample(long atNanos, long done) {
    }

    private final PrintStream out;
    private final boolean terminal;
    private final long lineEveryNanos;
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private long lastLineNanos;
    private int lastLength;
    private boolean printedEnd;

    public ProgressBar(PrintStream out, boolean terminal, Duration lineEvery) {
        this.out = out;
        this.terminal = terminal;
        this.lineEveryNanos = lineEvery.toNanos();
    }

    /** Shows {@code done} of {@code total} at {@code nowNanos} (System.nanoTime). */
    public void update(long done, long total, long nowNanos) {
        samples.addLast(new Sample(nowNanos, done));
        while (samples.size() > 2 && nowNanos - samples.peekFirst().atNanos() > RATE_WINDOW_NANOS) {
            samples.removeFirst();
        }
        String line = line(done, total, rate());
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
            out.flush();
        } else if (nowNanos - lastLineNanos >= lineEveryNanos || (done >= total && !printedEnd)) {
            out.println(line);
            lastLineNanos = nowNanos;
            printedEnd = done >= total;
        }
    }

    /** Ends the bar's line. */
    public void finish() {
        if (terminal) {
            out.println();
        }
    }

    /** Records per second over the samples kept (the last few seconds). */
    double rate() {
        if (samples.size() < 2) {
            return 0;
        }
        Sample first = samples.peekFirst();
        Sample last = samples.peekLast();
        double seconds = (last.atNanos() - first.atNanos()) / 1e9;
        return seconds <= 0 ? 0 : (last.done() - first.done()) / seconds;
    }

    static String line(long done, long total, double rate) {
        double fraction = total <= 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        String eta = rate > 0 ? duration(Math.round((total - done) / rate)) : "--:--";
        return String.format(Locale.ROOT, "[%s%s] %5.1f%%  %,d / %,d records  %,.0f rec/s  ETA %s",
                "#".repeat(filled), ".".repeat(WIDTH - filled), fraction * 100, done, total, rate,
                done >= total ? "0:00" : eta);
    }

    /** {@code m:ss} or {@code h:mm:ss}. */
    public static String duration(long seconds) {
        long s = Math.max(0, seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
