package io.mediagateway.sync.model;

import io.mediagateway.sync.crdt.LwwRegister;
import java.util.Objects;
import java.util.Optional;

/**
 * The transitions of one device's record and what each shows (contract §5): the one implementation the
 * topology runs per device and {@link UserState} runs whole. Pure.
 */
public final class DeviceChanges {
    private DeviceChanges() {
    }

    /**
     * A device event applied to its record: a device silent for the timeout before the event went offline
     * then (that timeout is part of its history whether or not a sweep saw it, so a replay tells the same
     * story), then the event merges in.
     *
     * @param before null for a device never seen
     * @return the record before the event (timed out if it was due) and after it
     */
    public static Transition apply(DeviceRecord before, DeviceRecord write, long atMs, PresenceTimeouts timeouts) {
        DeviceRecord current = before != null && before.isDue(atMs, timeouts) ? before.timeout() : before;
        return new Transition(before, current, current == null ? write : current.merge(write));
    }

    /** A device's record through one event: {@code timedOut} differs from {@code before} when a timeout came first. */
    public record Transition(DeviceRecord before, DeviceRecord timedOut, DeviceRecord after) {
        public boolean timedOutFirst() {
            return before != null && !before.equals(timedOut);
        }
    }

    /**
     * Which delta a device change makes visible: removed, online, offline, a new description, or none. A
     * device that comes back after a removal shows as new.
     */
    public static Optional<String> visible(DeviceRecord before, DeviceRecord after) {
        boolean wasVisible = before != null && before.visible();
        if (!after.visible()) {
            return wasVisible ? Optional.of("device_removed") : Optional.empty();
        }
        boolean wasOnline = wasVisible && before.online();
        if (after.online() != wasOnline || !wasVisible) {
            return Optional.of(after.online() ? "device_online" : "device_offline");
        }
        if (!Objects.equals(info(before), info(after))) {
            return Optional.of("device_updated");
        }
        return Optional.empty();
    }

    /** The delta of a device's new record, of the visible type {@code type}. */
    public static Delta.Device delta(String type, String user, long hlc, String deviceId, String deltaId, DeviceRecord record) {
        String reason = record.presence().value().offlineReason();
        return new Delta.Device(type, user, hlc, deviceId, deltaId, info(record), record.online(),
                "device_offline".equals(type) ? reason : null, record.lastSeenMs());
    }

    /**
     * The {@code device_offline} of a timeout: its HLC is that of the device's last presence event and its
     * id names the user, that HLC and the device — one silence, one id, however it is detected.
     */
    public static Delta.Device timeoutDelta(String user, String deviceId, DeviceRecord timedOut) {
        long hlc = timedOut.presence().stamp().hlc();
        return delta("device_offline", user, hlc, deviceId, "timeout:" + user + ":" + hlc + ":" + deviceId, timedOut);
    }

    private static DeviceInfo info(DeviceRecord record) {
        return record.info().map(LwwRegister::value).orElse(null);
    }
}
