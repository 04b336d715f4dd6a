package io.mediagateway.sync.model;

import io.mediagateway.sync.crdt.LwwRegister;
import io.mediagateway.sync.crdt.Stamp;
import java.util.Objects;
import java.util.Optional;

/**
 * One device in a user's registry: its description (LWW), its presence (LWW, offline winning
 * ties), when it was last seen, and the stamps of its latest join or heartbeat and of its latest
 * removal. A device is online from a join or heartbeat until a leave, or until its presence timeout
 * passes without a heartbeat ({@link #isDue}); the timeout is applied by {@link #timeout()}. A device is
 * listed once it has joined (or heartbeated): one known only from a leave or a removal is not, and a removed
 * device (contract §12) is hidden until a join or heartbeat newer than the removal. Every part merges
 * as a join, so the record is a CRDT.
 *
 * @param lastSeenMs wall-clock milliseconds of the latest join or heartbeat
 * @param joined     the stamp of the latest join or heartbeat; null when only a leave or removal is known
 * @param removed    the stamp of the latest removal; null when never removed
 * @param region     the region the presence event that holds the presence register was written in (contract §16;
 *                   null without regions): the region that publishes the device's timeout to PubNub — the others
 *                   may time it out too, from the heartbeats that reached them, and during a partition wrongly
 */
public record DeviceRecord(Optional<LwwRegister<DeviceInfo>> info, LwwRegister<Presence> presence, long lastSeenMs,
                           Stamp joined, Stamp removed, String region) {

    /** {@link #lastSeenMs} of a device known only from a leave. */
    public static final long NEVER_SEEN = 0L;

    public DeviceRecord {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(presence, "presence");
    }

    /** A record of one region. */
    public DeviceRecord(Optional<LwwRegister<DeviceInfo>> info, LwwRegister<Presence> presence, long lastSeenMs,
                        Stamp joined, Stamp removed) {
        this(info, presence, lastSeenMs, joined, removed, null);
    }

    /** This record, its presence event written in {@code writtenIn} (null: no regions). */
    public DeviceRecord in(String writtenIn) {
        return new DeviceRecord(info, presence, lastSeenMs, joined, removed, writtenIn);
    }

    /** A join or heartbeat: online (in the background when {@code background}) at {@code stamp}, seen at {@code seenAtMs}. */
    public static DeviceRecord seen(DeviceInfo info, Stamp stamp, long seenAtMs, boolean background) {
        return new DeviceRecord(Optional.ofNullable(info).map(i -> LwwRegister.of(i, stamp)),
                LwwRegister.of(background ? Presence.BACKGROUND : Presence.ONLINE, stamp), seenAtMs, stamp, null);
    }

    /** A join or heartbeat in the foreground. */
    public static DeviceRecord seen(DeviceInfo info, Stamp stamp, long seenAtMs) {
        return seen(info, stamp, seenAtMs, false);
    }

    /** A leave at {@code stamp}. */
    public static DeviceRecord left(Stamp stamp) {
        return new DeviceRecord(Optional.empty(), LwwRegister.of(Presence.OFFLINE_LEAVE, stamp), NEVER_SEEN, null, null);
    }

    /** A removal at {@code stamp}: offline, and hidden until it joins again. */
    public static DeviceRecord removal(Stamp stamp) {
        return new DeviceRecord(Optional.empty(), LwwRegister.of(Presence.OFFLINE_LEAVE, stamp), NEVER_SEEN, null, stamp);
    }

    /** Whether the device is in the registry's lists: it has joined, and not been removed since. */
    public boolean visible() {
        return joined != null && (removed == null || joined.compareTo(removed) > 0);
    }

    public boolean online() {
        return presence.value().online() && visible();
    }

    public boolean background() {
        return presence.value() == Presence.BACKGROUND;
    }

    /** Online, and no heartbeat for at least its timeout at wall-clock time {@code nowMs}. */
    public boolean isDue(long nowMs, PresenceTimeouts timeouts) {
        return online() && nowMs >= deadline(timeouts);
    }

    /** When an online device times out without another heartbeat. */
    public long deadline(PresenceTimeouts timeouts) {
        return lastSeenMs + timeouts.of(presence.value());
    }

    /** Marks an online device offline by timeout, at the stamp of its last presence event. */
    public DeviceRecord timeout() {
        if (!presence.value().online()) {
            return this;
        }
        return new DeviceRecord(info, LwwRegister.of(Presence.OFFLINE_TIMEOUT, presence.stamp()), lastSeenMs, joined,
                removed, region);
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
        LwwRegister<Presence> mergedPresence = presence.merge(other.presence);
        return new DeviceRecord(mergedInfo, mergedPresence, Math.max(lastSeenMs, other.lastSeenMs),
                max(joined, other.joined), max(removed, other.removed), mergedPresence == presence ? region : other.region);
    }

    private static Stamp max(Stamp a, Stamp b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return a.compareTo(b) >= 0 ? a : b;
    }
}
