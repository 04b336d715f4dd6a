package io.mediagateway.sync.model;

import java.util.Optional;

/**
 * The remote-command rules of the contract (§4), checked in the contract's order: not expired,
 * target known, target online, target remote-controllable, {@code Seek} needs current content on the
 * target (its own latest report is Playing or Paused), {@code CastTo} and {@code StopCast} need the
 * target to be able to cast.
 */
public final class CommandValidation {

    /** Why a well-formed command was not forwarded; {@link #code()} is the wire reason. */
    public enum Rejection {
        EXPIRED("expired"), UNKNOWN_DEVICE("unknown_device"), DEVICE_OFFLINE("device_offline"),
        NOT_SUPPORTED("not_supported"), NO_ACTIVE_CONTENT("no_active_content");

        private final String code;

        Rejection(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private CommandValidation() {
    }

    /**
     * @param expiresAtMicros when the command stops being valid, in epoch microseconds
     * @param nowMicros       the service's wall clock, in epoch microseconds
     * @param target          the target's registry record, if the registry has one
     * @param targetPlaying   whether the target has current content: its own latest report is Playing or Paused
     * @return empty to accept, else the first rule the command breaks
     */
    public static Optional<Rejection> validate(CommandType type, long expiresAtMicros, long nowMicros,
                                               Optional<DeviceRecord> target, boolean targetPlaying) {
        if (expiresAtMicros <= nowMicros) {
            return Optional.of(Rejection.EXPIRED);
        }
        if (target.isEmpty()) {
            return Optional.of(Rejection.UNKNOWN_DEVICE);
        }
        DeviceRecord device = target.get();
        if (!device.online()) {
            return Optional.of(Rejection.DEVICE_OFFLINE);
        }
        if (!device.remoteControllable()) {
            return Optional.of(Rejection.NOT_SUPPORTED);
        }
        if (type == CommandType.SEEK && !targetPlaying) {
            return Optional.of(Rejection.NO_ACTIVE_CONTENT);
        }
        if (type.needsCasting() && !device.canCast()) {
            return Optional.of(Rejection.NOT_SUPPORTED);
        }
        return Optional.empty();
    }
}
