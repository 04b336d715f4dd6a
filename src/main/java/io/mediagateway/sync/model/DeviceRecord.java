package io.mediagateway.sync.model;

import io.mediagateway.sync.crdt.LwwRegister;
import io.mediagateway.sync.crdt.Stamp;
import java.util.Objects;
import java.util.Optional;

/**
 * One device in a user's registry: its description (LWW), its presence (LWW, offline winning
 * ties) and when it was last seen. A device is online from a join or heartbeat until a leave, or
 * until the presence timeout passes without a heartbeat ({@link #isDue}); the timeout is applied
 * by {@link #timeout()}. Every part merges as a join, so the record is a CRDT.
 *
 * @param lastSeenMs wall-clock milliseconds of the latest join or heartbeat
 */
public record DeviceRecord(Optional<LwwRegister<DeviceInfo>> info, LwwRegister<Presence> presence, long lastSeenMs) {

    /** {@link #lastSeenMs} of a device known only from a leave. */
    public static final long NEVER_SEEN = 0L;

    public DeviceRecord {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(presence, "presence");
    }

    /** A join or heartbeat: online at {@code stamp}, seen at {@code seenAtMs}, with the description if it sent one. */
    public static DeviceRecord seen(DeviceInfo info, Stamp stamp, long seenAtMs) {
        return new DeviceRecord(Optional.ofNullable(info).map(i -> LwwRegister.of(i, stamp)),
                LwwRegister.of(Presence.ONLINE, stamp), seenAtMs);
    }

    /** A leave at {@code stamp}. */
    public static DeviceRecord left(Stamp stamp) {
        return new DeviceRecord(Optional.empty(), LwwRegister.of(Presence.OFFLINE_LEAVE, stamp), NEVER_SEEN);
    }

    public boolean online() {
        return presence.value().online();
    }

    /** Online, and no heartbeat for at least {@code timeoutMs} at wall-clock time {@code nowMs}. */
    public boolean isDue(long nowMs, long timeoutMs) {
        return online() && nowMs - lastSeenMs >= timeoutMs;
    }

    /** Marks an online device offline by timeout, at the stamp of its last presence event. */
    public DeviceRecord timeout() {
        if (!online()) {
            return this;
        }
        return new DeviceRecord(info, LwwRegister.of(Presence.OFFLINE_TIMEOUT, presence.stamp()), lastSeenMs);
    }

    public boolean remoteControllable() {
        return info.map(i -> i.value().capabilities().remoteControllable()).orElse(false);
    }

    public boolean canCast() {
        return info.map(i -> i.value().capabilities().canCast()).orElse(false);
    }

    public DeviceRecord merge(DeviceRecord other) {
        Optional<LwwRegister<DeviceInfo>> mergedInfo;
        if (info.isPresent() && other.info.isPresent()) {
            mergedInfo = Optional.of(info.get().merge(other.info.get()));
        } else {
            mergedInfo = info.isPresent() ? info : other.info;
        }
        return new DeviceRecord(mergedInfo, presence.merge(other.presence), Math.max(lastSeenMs, other.lastSeenMs));
    }
}
