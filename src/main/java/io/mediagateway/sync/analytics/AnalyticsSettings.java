package io.mediagateway.sync.analytics;

import java.time.Duration;
import java.util.Objects;

/**
 * What the analytics topology needs to know.
 *
 * @param applicationId    the analytics application id, written into every output record so results of
 *                         the live application and of each replay can be told apart
 * @param inputPartitions  partitions of {@code sync.device-events}
 * @param grace            an event is counted while its hour ended less than this long before the newest
 *                         event time seen; later ones are dropped (and counted in a metric)
 * @param retention        how long hourly figures stay queryable in the store (REST); PostgreSQL keeps them
 * @param sessionTimeout   a user who comes back to a content after this long (event time) starts a new session
 * @param trendingSize     entries of the trending list
 * @param trendingWindow   the trending list counts starts in this much of the latest event time
 * @param trendingInterval how often (wall clock) a changed trending list is published
 * @param trendingIdle     when no event at all has arrived for this long (wall clock), the trending window
 *                         moves on with the wall clock instead of event time, so a quiet service's list
 *                         empties as its starts age; {@link Duration#ZERO} = never (replays: event time only)
 * @param fromMs           events before this event time are ignored (a replay of a period); {@code Long.MIN_VALUE} = none
 * @param toMs             events at or after this event time are ignored; {@code Long.MAX_VALUE} = none
 */
public record AnalyticsSettings(String applicationId, int inputPartitions, Duration grace, Duration retention,
                                Duration sessionTimeout, int trendingSize, Duration trendingWindow,
                                Duration trendingInterval, Duration trendingIdle, long fromMs, long toMs) {
    public static final Duration HOUR = Duration.ofHours(1);
    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(30);
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofHours(6);
    public static final int DEFAULT_TRENDING_SIZE = 100;
    public static final Duration DEFAULT_TRENDING_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_TRENDING_IDLE = Duration.ofMinutes(1);

    public AnalyticsSettings {
        Objects.requireNonNull(applicationId, "applicationId");
        if (inputPartitions < 1 || trendingSize < 1) {
            throw new IllegalArgumentException("inputPartitions and trendingSize must be ≥ 1");
        }
        if (grace.isNegative() || retention.compareTo(HOUR.plus(grace)) < 0) {
            throw new IllegalArgumentException("the retention (" + retention + ") must be at least an hour plus the grace ("
                    + grace + ")");
        }
        if (trendingWindow.toMinutes() < 1 || trendingInterval.isNegative() || trendingInterval.isZero()) {
            throw new IllegalArgumentException("the trending window must be ≥ 1 minute and its interval > 0");
        }
        if (trendingIdle.isNegative()) {
            throw new IllegalArgumentException("the trending idle time must not be negative");
        }
        if (fromMs >= toMs) {
            throw new IllegalArgumentException("the period is empty: from " + fromMs + " is not before to " + toMs);
        }
    }

    /** The defaults, with the partition count of {@code topics/sync.device-events}. */
    public static AnalyticsSettings defaults(String applicationId, int inputPartitions) {
        return new AnalyticsSettings(applicationId, inputPartitions, DEFAULT_GRACE, DEFAULT_RETENTION,
                DEFAULT_SESSION_TIMEOUT, DEFAULT_TRENDING_SIZE, HOUR, DEFAULT_TRENDING_INTERVAL, DEFAULT_TRENDING_IDLE,
                Long.MIN_VALUE, Long.MAX_VALUE);
    }

    public AnalyticsSettings withGrace(Duration g) {
        return new AnalyticsSettings(applicationId, inputPartitions, g, retention.compareTo(HOUR.plus(g)) < 0
                ? HOUR.plus(g) : retention, sessionTimeout, trendingSize, trendingWindow, trendingInterval, trendingIdle,
                fromMs, toMs);
    }

    public AnalyticsSettings withTrendingSize(int size) {
        return new AnalyticsSettings(applicationId, inputPartitions, grace, retention, sessionTimeout, size,
                trendingWindow, trendingInterval, trendingIdle, fromMs, toMs);
    }

    /** Only events with event time in {@code [fromMs, toMs)} count: a replay of a period. */
    public AnalyticsSettings withPeriod(long from, long to) {
        return new AnalyticsSettings(applicationId, inputPartitions, grace, retention, sessionTimeout, trendingSize,
                trendingWindow, trendingInterval, trendingIdle, from, to);
    }

    public AnalyticsSettings withApplicationId(String id) {
        return new AnalyticsSettings(id, inputPartitions, grace, retention, sessionTimeout, trendingSize,
                trendingWindow, trendingInterval, trendingIdle, fromMs, toMs);
    }

    /** The trending window follows event time only, also when nothing arrives: what a replay needs. */
    public AnalyticsSettings withEventTimeOnly() {
        return new AnalyticsSettings(applicationId, inputPartitions, grace, retention, sessionTimeout, trendingSize,
                trendingWindow, trendingInterval, Duration.ZERO, fromMs, toMs);
    }

    boolean inPeriod(long eventTimeMs) {
        return eventTimeMs >= fromMs && eventTimeMs < toMs;
    }
}
