package io.mediagateway.sync.model;

import java.util.Arrays;
import java.util.Optional;

/** The remote command types of the contract, with their wire names. */
public enum CommandType {
    PLAY("Play"), PAUSE("Pause"), STOP("Stop"), SEEK("Seek"), VOLUME_SET("VolumeSet"), VOLUME_MUTE("VolumeMute"),
    VOLUME_UNMUTE("VolumeUnmute"), LOAD_CONTENT("LoadContent"), SWITCH_PROFILE("SwitchProfile"), CAST_TO("CastTo"),
    STOP_CAST("StopCast");

    private final String wireName;

    CommandType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether the target must be able to cast ({@code can_cast}): casting to it, or stopping a cast. */
    public boolean needsCasting() {
        return this == CAST_TO || this == STOP_CAST;
    }

    /**
     * A command given as a bare word, as the original README's {@code device_command} sends it
     * ({@code "play"}, any case): {@code play}, {@code pause}, {@code stop}, {@code mute}, {@code unmute}.
     */
    public static Optional<CommandType> parseWord(String word) {
        return switch (word.toLowerCase(java.util.Locale.ROOT)) {
            case "play" -> Optional.of(PLAY);
            case "pause" -> Optional.of(PAUSE);
            case "stop" -> Optional.of(STOP);
            case "mute" -> Optional.of(VOLUME_MUTE);
            case "unmute" -> Optional.of(VOLUME_UNMUTE);
            default -> Optional.empty();
        };
    }

    public static Optional<CommandType> parse(String s) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(s)).findFirst();
    }
}
