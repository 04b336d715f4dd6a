package io.mediagateway.sync.topology.ingest;

import io.mediagateway.sync.crdt.Stamp;
import io.mediagateway.sync.model.Delta;
import io.mediagateway.sync.model.DeviceChanges;
import io.mediagateway.sync.model.DeviceRecord;
import io.mediagateway.sync.model.PresenceTimeouts;

/**
 * Device joins, heartbeats, leaves and removals, and the timeouts of silent devices: each through the
 * model's one transition ({@link DeviceChanges#apply}), stored with the presence index, shown when visible.
 */
public final class DeviceSteps {
    private final UserStores stores;
    private final Deltas.Out timeouts;

    /** {@code timeouts} receives the {@code device_offline} of a timeout, whenever it is found. */
    public DeviceSteps(UserStores stores, Deltas.Out timeouts) {
        this.stores = stores;
        this.timeouts = timeouts;
    }

    /** An event about device {@code deviceId} (the sender's own, or the target of a removal). */
    public void apply(Deltas out, Stamp stamp, String deviceId, DeviceRecord write, long atMs) {
        DeviceChanges.Transition t = DeviceChanges.apply(stores.device(out.user, deviceId), write, atMs, presenceTimeouts());
        if (t.timedOutFirst()) {
            timedOut(out.user, deviceId, t.before(), t.timedOut(), out.timestamp);
        }
        DeviceRecord before = t.timedOut();
        DeviceRecord after = t.after();
        if (after.equals(before)) {
            return;
        }
        stores.putDevice(out.user, deviceId, before, after);
        DeviceChanges.visible(before, after).ifPresent(type -> out.emit(DeviceChanges.delta(type, out.user, stamp.hlc(),
                deviceId, out.nextId(), after)));
    }

    /** A device found silent for its timeout: stored offline, and its one {@code device_offline} (reason timeout). */
    void timedOut(String user, String deviceId, DeviceRecord before, DeviceRecord timedOut, long timestamp) {
        stores.putDevice(user, deviceId, before, timedOut);
        Delta delta = DeviceChanges.timeoutDelta(user, deviceId, timedOut);
        // Published to PubNub by the region the device's last presence event was written in (contract §16).
        timeouts.delta(user, delta, timestamp, timedOut.region());
    }

    /**
     * The device as a command sees it now: offline when it has been silent for its timeout; absent when the
     * registry does not list it (never seen, or removed).
     */
    DeviceRecord current(String user, String deviceId, long nowMs) {
        DeviceRecord record = stores.device(user, deviceId);
        if (record == null || !record.visible()) {
            return null;
        }
        return record.isDue(nowMs, presenceTimeouts()) ? record.timeout() : record;
    }

    PresenceTimeouts presenceTimeouts() {
        return stores.timeouts();
    }
}
