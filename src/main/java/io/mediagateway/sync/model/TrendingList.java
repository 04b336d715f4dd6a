package io.mediagateway.sync.model;

import java.time.Instant;
import java.util.List;

/**
 * The most started contents of the last hour of event time, best first: what {@code global.trending}
 * carries and {@code GET /api/v1/analytics/trending} answers.
 */
public record TrendingList(String applicationId, Instant windowStart, Instant windowEnd, int contentsRanked,
                           List<Entry> items) {
    /** One content of the list and its starts in the window. */
    public record Entry(String contentId, long starts) {
    }

    public TrendingList {
        items = List.copyOf(items);
    }
}
