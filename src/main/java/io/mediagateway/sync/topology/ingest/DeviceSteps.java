package io.mediagateway.sync.topology.ingest;

import io.mediagateway.sync.crdt.Stamp;
import io.mediagateway.sync.model.Delta;
import io.mediagateway.sync.model.DeviceChanges;
import io.mediagateway.sync.model.DeviceRecord;

/**
 * Device joins, heartbeats and leaves, and the timeouts of silent devices: each through the model's one
 * transition ({@link DeviceChanges#apply}), stored with the presence index, shown when visible.
 */
public final class DeviceSteps {
    private final UserStores stores;
    private final long timeoutMs;
    private final Deltas.Out timeouts;

    /** {@code timeouts} receives the {@code device_offline} of a timeout, whenever it is found. */
    public DeviceSteps(UserStores stores, long timeoutMs, Deltas.Out timeouts) {
        this.stores = stores;
        this.timeoutMs = timeoutMs;
        this.timeouts = timeouts;
    }

    public void apply(Deltas out, Stamp stamp, DeviceRecord write, long atMs) {
        String deviceId = stamp.deviceId();
        DeviceChanges.Transition t = DeviceChanges.apply(stores.device(out.user, deviceId), write, atMs, timeoutMs);
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

    /** A device found silent for the timeout: stored offline, and its one {@code device_offline} (reason timeout). */
    void timedOut(String user, String deviceId, DeviceRecord before, DeviceRecord timedOut, long timestamp) {
        stores.putDevice(user, deviceId, before, timedOut);
        Delta delta = DeviceChanges.timeoutDelta(user, deviceId, timedOut);
        timeouts.delta(user, delta, timestamp);
    }

    /** The device as a command sees it now: offline when it has been silent for the timeout. */
    DeviceRecord current(String user, String deviceId, long nowMs) {
        DeviceRecord record = stores.device(user, deviceId);
        return record != null && record.isDue(nowMs, timeoutMs) ? record.timeout() : record;
    }

    long timeoutMs() {
        return timeoutMs;
    }
}
