package io.mediagateway.sync.model;

/**
 * Viewing figures of one content: an increment from one event, or the running total of an hour.
 * Integers only (watch time in milliseconds), so totals are the same whatever order increments are
 * added in — a replay gives identical figures.
 *
 * @param starts      viewing sessions begun
 * @param completions sessions that reached 90 % of the duration
 * @param abandons    sessions stopped below 90 %
 * @param watchTimeMs playback watched: the position advanced while playing, at most the time that passed
 */
public record HourlyCounts(long starts, long completions, long abandons, long watchTimeMs) {
    public static final HourlyCounts ZERO = new HourlyCounts(0, 0, 0, 0);

    public HourlyCounts plus(HourlyCounts o) {
        return new HourlyCounts(starts + o.starts, completions + o.completions, abandons + o.abandons,
                watchTimeMs + o.watchTimeMs);
    }

    public boolean isZero() {
        return equals(ZERO);
    }
}
