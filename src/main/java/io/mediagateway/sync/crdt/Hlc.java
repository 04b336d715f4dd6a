package io.mediagateway.sync.crdt;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A Hybrid Logical Clock. A value is a signed 64-bit integer: physical milliseconds since the epoch
 * in the high 48 bits (enough until the year 10889), a logical counter in the low 16 bits. Values
 * this clock hands out are greater than every value it has seen or handed out, and never go
 * backwards even when the wall clock does; a logical counter that overflows carries into the
 * physical part (the packed value simply increments).
 *
 * <p>Thread-safe: one clock may serve every stream task and request thread of a process.
 */
public final class Hlc {
    public static final int LOGICAL_BITS = 16;
    public static final long LOGICAL_MASK = (1L << LOGICAL_BITS) - 1;
    /** The largest physical time a value can hold. */
    public static final long MAX_PHYSICAL_MS = (1L << (63 - LOGICAL_BITS)) - 1;

    private final LongSupplier wallClockMs;
    private final long maxSkewMs;
    private final AtomicLong last = new AtomicLong();

    /**
     * @param wallClockMs the wall clock, in epoch milliseconds (injected so tests control time)
     * @param maxSkewMs   how far ahead of the wall clock a received value may be
     */
    public Hlc(LongSupplier wallClockMs, long maxSkewMs) {
        this.wallClockMs = wallClockMs;
        this.maxSkewMs = maxSkewMs;
    }

    public static long pack(long physicalMs, int logical) {
        if (physicalMs < 0 || physicalMs > MAX_PHYSICAL_MS) {
            throw new IllegalArgumentException("physical time out of range: " + physicalMs);
        }
        if (logical < 0 || logical > LOGICAL_MASK) {
            throw new IllegalArgumentException("logical counter out of range: " + logical);
        }
        return (physicalMs << LOGICAL_BITS) | logical;
    }

    public static long physicalMs(long hlc) {
        return hlc >>> LOGICAL_BITS;
    }

    public static int logical(long hlc) {
        return (int) (hlc & LOGICAL_MASK);
    }

    /** A device's wall-clock timestamp in microseconds, as an HLC with logical 0. */
    public static long fromMicros(long epochMicros) {
        return pack(Math.floorDiv(epochMicros, 1000), 0);
    }

    /**
     * An HLC written as a string of 1 to 19 decimal digits (the JSON form, §2), or -1 when the text is
     * not that or does not fit in a signed 64-bit value. No regular expression: it runs for every
     * stored stamp read.
     */
    public static long parseDecimal(String s) {
        if (s == null || s.isEmpty() || s.length() > 19) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Whether {@code value} is a valid HLC: non-negative (physical time fits in 48 bits). */
    public static boolean isValid(long value) {
        return value >= 0;
    }

    /** The send/local-event rule: a value greater than everything seen, close to the wall clock. */
    public long now() {
        long wall = pack(wallClockMs.getAsLong(), 0);
        return last.updateAndGet(prev -> Math.max(prev + 1, wall));
    }

    /**
     * The receive rule: merges {@code received} into the clock and returns a value greater than both
     * it and everything seen before.
     *
     * @throws ClockSkewException if {@code received} is more than the allowed skew ahead of the wall clock
     */
    public long update(long received) {
        if (isTooFarAhead(received)) {
            throw new ClockSkewException(received, wallClockMs.getAsLong(), maxSkewMs);
        }
        long wall = pack(wallClockMs.getAsLong(), 0);
        return last.updateAndGet(prev -> {
            long seen = Math.max(prev, received);
            return wall > seen ? wall : seen + 1;
        });
    }

    /** Whether a value's physical time is more than the allowed skew ahead of the wall clock. */
    public boolean isTooFarAhead(long value) {
        return isTooFarAhead(value, wallClockMs.getAsLong(), maxSkewMs);
    }

    /** Why {@code value} is refused by this clock's skew rule. */
    public String skewMessage(long value) {
        return skewMessage(value, wallClockMs.getAsLong(), maxSkewMs);
    }

    /**
     * The clock-skew rule of contract §2, the one place it is written: a value whose physical time is more
     * than {@code maxSkewMs} ahead of {@code wallMs} is refused (reason {@code clock_skew}).
     */
    public static boolean isTooFarAhead(long value, long wallMs, long maxSkewMs) {
        return physicalMs(value) - wallMs > maxSkewMs;
    }

    /** What the rule says of {@code value}, naming the setting that bounds it. */
    public static String skewMessage(long value, long wallMs, long maxSkewMs) {
        return "event time " + physicalMs(value) + " ms is " + (physicalMs(value) - wallMs)
                + " ms ahead of the service clock (max " + maxSkewMs + " ms, SYNC_MAX_CLOCK_SKEW_MS)";
    }

    /** The greatest value handed out or seen so far. */
    public long last() {
        return last.get();
    }

    /** An event's HLC is too far ahead of the service's wall clock (contract reason {@code clock_skew}). */
    public static final class ClockSkewException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ClockSkewException(long received, long wallMs, long maxSkewMs) {
            super(skewMessage(received, wallMs, maxSkewMs));
        }
    }
}
