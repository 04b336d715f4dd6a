package io.mediagateway.sync.model;

import java.util.Arrays;
import java.util.Optional;

/** The remote command types of the contract, with their wire names. */
public enum CommandType {
    PLAY("Play"), PAUSE("Pause"), STOP("Stop"), SEEK("Seek"), VOLUME_SET("VolumeSet"), VOLUME_MUTE("VolumeMute"),
    VOLUME_UNMUTE("VolumeUnmute"), LOAD_CONTENT("LoadContent"), SWITCH_PROFILE("SwitchProfile"), CAST_TO("CastTo");

    private final String wireName;

    CommandType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<CommandType> parse(String s) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(s)).findFirst();
    }
}
