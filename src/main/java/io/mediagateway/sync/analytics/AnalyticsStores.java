package io.mediagateway.sync.analytics;

import io.mediagateway.sync.model.HourlyCounts;

/**
 * The analytics application's state stores (fixed names; changelogs {@code <application.id>-<name>-changelog})
 * and internal topics.
 */
public final class AnalyticsStores {
    /** {@code user\0content_id} → {@link ViewingSession}. */
    public static final String SESSIONS = "viewing-sessions";
    /** last event time (8 bytes, big-endian) + {@code user\0content_id} → empty: sessions by when they were last active. */
    public static final String SESSIONS_BY_TIME = "viewing-sessions-by-time";
    /** One entry per task: the newest event time the session stage has seen (its lateness reference). */
    public static final String EVENT_CLOCK = "analytics-clock";
    /** Window store: content id → {@link HourlyCounts} per hour of event time. */
    public static final String CONTENT_HOURLY = "content-hourly";
    /** The content id of the marker entry a task writes into an empty {@link #CONTENT_HOURLY} (no content is named so). */
    public static final String HOURLY_MARKER = "";
    /** minute (8 bytes, big-endian) + content id → starts in that minute, for the last hour. */
    public static final String TRENDING_MINUTES = "trending-minutes";
    /** The trending list as published ({@link #TRENDING_KEY}) and the trending clock. */
    public static final String TRENDING = "trending";
    /** The key of the single trending partition and of the list in {@link #TRENDING}. */
    public static final String TRENDING_KEY = "global";
    /** Repartition topics: increments by content, and starts onto the single trending partition. */
    public static final String INCREMENTS_BY_CONTENT = "increments-by-content";
    public static final String STARTS_FOR_TRENDING = "starts-for-trending";

    private AnalyticsStores() {
    }
}
