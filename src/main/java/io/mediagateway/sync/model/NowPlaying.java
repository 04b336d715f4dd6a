package io.mediagateway.sync.model;

/** The content a device last reported progress for, and when: what {@code Seek} asks of its target. */
public record NowPlaying(long hlc, String contentId) {
}
