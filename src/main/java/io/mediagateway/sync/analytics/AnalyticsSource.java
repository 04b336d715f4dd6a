package io.mediagateway.sync.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** Where the analytics application's figures can be read: here, on another instance, or nowhere now. */
public interface AnalyticsSource {

    /** The current trending list. */
    Answer trending();

    /** The hourly figures of one content for the hours starting in {@code [from, to)}. */
    Answer hours(String contentId, Instant from, Instant to);

    /** An answer of the source. */
    sealed interface Answer {
    }

    /** Read here. */
    record Found(JsonNode body) implements Answer {
    }

    /** Read here: nothing is known yet (no start seen; no figures for that content). */
    record Empty() implements Answer {
    }

    /** Another instance holds the key: ask it at {@code baseUrl}. */
    record Elsewhere(String baseUrl) implements Answer {
    }

    /** Nobody can answer now (starting, rebalancing, restoring, analytics off). */
    record Unavailable(String reason) implements Answer {
    }
}
