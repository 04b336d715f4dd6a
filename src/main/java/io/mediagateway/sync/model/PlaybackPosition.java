package io.mediagateway.sync.model;

import java.util.Comparator;

/**
 * Where a user is in one piece of content. Completed means at least 90 % watched; the resume
 * position is the position, or 0 once completed (the next play starts over).
 *
 * @param deviceType optional, as the reporting device sent it
 * @param platformId optional, kept from the playback service's writes
 */
public record PlaybackPosition(double positionSeconds, double durationSeconds, PlaybackState state,
                               String deviceType, String platformId) implements Comparable<PlaybackPosition> {

    /** Completed means at least this share of the duration watched (contract §5). */
    public static final double COMPLETED_RATIO = 0.9;

    private static final Comparator<PlaybackPosition> ORDER = Comparator
            .comparingDouble(PlaybackPosition::positionSeconds)
            .thenComparingDouble(PlaybackPosition::durationSeconds)
            .thenComparing(PlaybackPosition::state)
            .thenComparing(PlaybackPosition::deviceType, Compare::nullable)
            .thenComparing(PlaybackPosition::platformId, Compare::nullable);

    /** The value of a removed register (contract §12): hidden from every list until a newer report. */
    public static final PlaybackPosition REMOVED = new PlaybackPosition(0, 1, PlaybackState.REMOVED, null, null);

    public PlaybackPosition {
        if (!(positionSeconds >= 0) || Double.isInfinite(positionSeconds)) {
            throw new IllegalArgumentException("position_seconds must be a finite number ≥ 0");
        }
        if (!(durationSeconds > 0) || Double.isInfinite(durationSeconds)) {
            throw new IllegalArgumentException("duration_seconds must be a finite number > 0");
        }
        if (state == null) {
            throw new IllegalArgumentException("state is required");
        }
    }

    /**
     * position / duration as a ratio from 0.0 to 1.0 (capped), rounded to four decimals: the contract's
     * {@code completion_percent}, a ratio as in the PubNub specification's payloads ({@code 0.395}).
     */
    public double completionRatio() {
        double ratio = Math.min(1.0, positionSeconds / durationSeconds);
        return Math.round(ratio * 10_000.0) / 10_000.0;
    }

    /** Whether this is the value of a removed register ({@link #REMOVED}). */
    public boolean removed() {
        return state == PlaybackState.REMOVED;
    }

    public boolean completed() {
        return positionSeconds / durationSeconds >= COMPLETED_RATIO;
    }

    public double resumePositionSeconds() {
        return completed() ? 0.0 : positionSeconds;
    }

    @Override
    public int compareTo(PlaybackPosition other) {
        return ORDER.compare(this, other);
    }
}
