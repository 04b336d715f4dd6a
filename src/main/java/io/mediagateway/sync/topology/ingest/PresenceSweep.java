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
 * cost is the number of entries that are due, not the number of devices: the devices that timed out, and
 * those that heartbeated since their entry was written — a heartbeat leaves the entry behind (it may be
 * earlier than the deadline, never later; {@code UserStores.putDevice}), and the sweep re-keys it to the
 * device's deadline, once per timeout period.
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
            DeviceRecord record = stores.device(user, deviceId);
            if (record != null && record.isDue(now, devices.presenceTimeouts())) {
                DeviceRecord timedOut = record.timeout();
                devices.timedOut(user, deviceId, record, timedOut, now);
                record = timedOut;
            }
            // The entry gives way to the device's own (none once offline): gone already for a device just timed
            // out under this index, re-keyed for one that heartbeated or left since, or for an entry of an older
            // index (keyed by last seen).
            stores.reindex(entry, record == null ? null : stores.indexEntry(user, deviceId, record));
        }
        if (!due.isEmpty()) {
            log.debug("Presence sweep at {}: {} device(s) due", now, due.size());
        }
    }
}
