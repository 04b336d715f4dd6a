package io.mediagateway.sync.model;

import java.util.Locale;
import java.util.Optional;

/**
 * A player's state as reported with watch progress; {@link #REMOVED} is the state of a progress register
 * removed from "continue watching" (contract §12), which no report can send.
 */
public enum PlaybackState {
    PLAYING("Playing"), PAUSED("Paused"), STOPPED("Stopped"), REMOVED("Removed");

    private final String wireName;

    PlaybackState(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether a player in this state has current content: playing or paused. */
    public boolean active() {
        return this == PLAYING || this == PAUSED;
    }

    /** Parses any case of {@code Playing}, {@code Paused}, {@code Stopped}: what a report may send. */
    public static Optional<PlaybackState> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "playing" -> Optional.of(PLAYING);
            case "paused" -> Optional.of(PAUSED);
            case "stopped" -> Optional.of(STOPPED);
            default -> Optional.empty();
        };
    }

    /** A state as stored: a report's, or {@code Removed}. */
    public static Optional<PlaybackState> parseStored(String s) {
        return "Removed".equals(s) ? Optional.of(REMOVED) : parse(s);
    }
}
