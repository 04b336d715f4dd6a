package io.mediagateway.sync.topology.ingest;

import io.mediagateway.sync.codec.StateCodec;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.crdt.LwwRegister;
import io.mediagateway.sync.crdt.Stamp;
import io.mediagateway.sync.ingest.IngestEvent;
import io.mediagateway.sync.model.CommandType;
import io.mediagateway.sync.model.CommandValidation;
import io.mediagateway.sync.model.Delta;
import io.mediagateway.sync.model.DeviceActivity;
import io.mediagateway.sync.model.NowPlaying;
import io.mediagateway.sync.model.PlaybackPosition;
import io.mediagateway.sync.model.PreferenceValue;
import java.util.Optional;

/**
 * Remote commands and handoffs: validated against the target's state by the model's rules
 * ({@link CommandValidation}, in the contract's order) and shown as {@code remote_command} or
 * {@code command_rejected}; a handoff is a {@code LoadContent} at the user's resume position.
 */
public final class CommandSteps {
    /** How long a command without {@code expires_at} stays valid, from its event time. */
    public static final long DEFAULT_COMMAND_TTL_MICROS = 5_000_000L;

    private final UserStores stores;
    private final DeviceSteps devices;

    public CommandSteps(UserStores stores, DeviceSteps devices) {
        this.stores = stores;
        this.devices = devices;
    }

    public void command(Deltas out, Stamp stamp, IngestEvent.RemoteCommand command, long wallNow) {
        long expires = command.expiresAtMicros() != IngestEvent.NO_HLC ? command.expiresAtMicros() : defaultExpiry(stamp);
        send(out, stamp, command.targetDeviceId(), command.type(), command.params(), expires, wallNow);
    }

    public void handoff(Deltas out, Stamp stamp, IngestEvent.Handoff handoff, long wallNow) {
        LwwRegister<PlaybackPosition> progress = stores.progress(out.user, handoff.contentId());
        double start = progress == null || progress.value().removed() ? 0.0 : progress.value().resumePositionSeconds();
        send(out, stamp, handoff.targetDeviceId(), CommandType.LOAD_CONTENT,
                StateCodec.loadContentParams(handoff.contentId(), start), defaultExpiry(stamp), wallNow);
    }

    private void send(Deltas out, Stamp stamp, String targetId, CommandType type, PreferenceValue params,
                      long expiresAtMicros, long wallNow) {
        boolean playing = type == CommandType.SEEK && isPlaying(out.user, targetId);
        Optional<CommandValidation.Rejection> rejection = CommandValidation.validate(type, expiresAtMicros, wallNow * 1000,
                Optional.ofNullable(devices.current(out.user, targetId, wallNow)), playing);
        out.emit(new Delta.Command(rejection.isPresent() ? "command_rejected" : "remote_command", out.user, stamp.hlc(),
                stamp.deviceId(), out.nextId(), targetId, type, params, expiresAtMicros,
                rejection.map(CommandValidation.Rejection::code).orElse(null)));
    }

    /** Whether a device has current content ({@link DeviceActivity#currentContent}): two reads, whatever the user holds. */
    private boolean isPlaying(String user, String deviceId) {
        NowPlaying playing = stores.nowPlaying(user, deviceId);
        return playing != null
                && DeviceActivity.currentContent(deviceId, playing, stores.progress(user, playing.contentId())).isPresent();
    }

    private static long defaultExpiry(Stamp stamp) {
        return Hlc.physicalMs(stamp.hlc()) * 1000 + DEFAULT_COMMAND_TTL_MICROS;
    }
}
