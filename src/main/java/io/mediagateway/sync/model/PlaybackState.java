package io.mediagateway.sync.model;

import java.util.Locale;
import java.util.Optional;

/** A player's state as reported with watch progress. */
public enum PlaybackState {
    PLAYING("Playing"), PAUSED("Paused"), STOPPED("Stopped");

    private final String wireName;

    PlaybackState(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Parses any case of {@code Playing}, {@code Paused}, {@code Stopped}. */
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
}
