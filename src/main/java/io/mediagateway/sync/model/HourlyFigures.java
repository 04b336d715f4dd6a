package io.mediagateway.sync.model;

import java.time.Instant;

/**
 * One hour of one content's viewing figures, as the analytics application publishes them; the
 * {@code applicationId} names the application that counted them (null in a REST answer, which is the
 * live application's).
 */
public record HourlyFigures(String applicationId, String contentId, Instant hourStart, HourlyCounts counts) {
}
