package io.mediagateway.sync.topology.ingest;

import io.mediagateway.sync.model.DeviceRecord;
import io.mediagateway.sync.topology.UserKeys;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wall-clock punctuator: marks offline every device whose presence deadline (last heartbeat plus its
 * timeout, normal or background) has passed. It reads the presence index from its start up to now, so its
 * cost is the number of devices that are due, not the number of devices.
 */
public final class PresenceSweep {
    /** The most devices one sweep times out; the rest wait for the next sweep. */
    public static final int MAX_TIMEOUTS_PER_SWEEP = 10_000;
    private static final Logger log = LoggerFactory.getLogger(PresenceSweep.class);

    private final UserStores stores;
    private final DeviceSteps devices;
    private final TaskTime time;

    public PresenceSweep(UserStores stores, DeviceSteps devices, TaskTime time) {
        this.stores = stores;
        this.devices = devices;
        this.time = time;
    }

    public void run(long wallNow) {
        long now = time.presenceNow(wallNow);
        if (now < 0) {
            return;
        }
        List<Bytes> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = stores.presenceIndex().range(null, UserKeys.deadlineUpperBound(now))) {
            while (it.hasNext() && due.size() < MAX_TIMEOUTS_PER_SWEEP) {
                due.add(it.next().key);
            }
        }
        for (Bytes entry : due) {
            String id = UserKeys.deadlineId(entry);
            String user = UserKeys.user(id);
            String deviceId = UserKeys.item(id);
            DeviceRecord before = stores.device(user, deviceId);
            if (before != null && before.isDue(now, devices.presenceTimeouts())) {
                devices.timedOut(user, deviceId, before, before.timeout(), now);
            }
            // A stale entry (the device heartbeated or left since, or an entry of an older index) is replaced
            // by the device's own, if it is online.
            stores.reindex(entry, before != null && before.online() && !before.isDue(now, devices.presenceTimeouts())
                    ? stores.indexEntry(user, deviceId, before) : null);
        }
        if (!due.isEmpty()) {
            log.debug("Presence sweep at {}: {} device(s) due", now, due.size());
        }
    }
}
