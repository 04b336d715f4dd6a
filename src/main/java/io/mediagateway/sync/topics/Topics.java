package io.mediagateway.sync.topics;

import java.util.List;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The typed registry of the service's topics. Names, partitions and configs come from the files in
 * {@code topics/}; this class adds the serdes. Processors and clients name topics only through it.
 */
public final class Topics {

    /** Ingest and replay log: key user id, value one JSON event kept as raw bytes so bad input can be dead-lettered verbatim. */
    public static final Topic<String, byte[]> DEVICE_EVENTS =
            Topic.load("sync.device-events", Serdes.String(), Serdes.ByteArray());

    /** One JSON delta per state change, key user id. */
    public static final Topic<String, byte[]> STATE_DELTAS =
            Topic.load("sync.state-deltas", Serdes.String(), Serdes.ByteArray());

    /** Rejected records: the original key and value bytes, with error and source headers. */
    public static final Topic<byte[], byte[]> DEAD_LETTERS =
            Topic.load("sync.dead-letters", Serdes.ByteArray(), Serdes.ByteArray());

    /** Viewing statistics per content and hour (analytics): key {@code <hour start>|<content id>}, value JSON. */
    public static final Topic<String, byte[]> CONTENT_HOURLY =
            Topic.load("sync.analytics.content-hourly", Serdes.String(), Serdes.ByteArray());

    /** The trending list (analytics): one partition, key the application id, value JSON. */
    public static final Topic<String, byte[]> TRENDING =
            Topic.load("sync.analytics.trending", Serdes.String(), Serdes.ByteArray());

    /**
     * Notifications from backend services (contract §14): key user id, value the JSON of
     * {@code POST /api/v1/notifications}, raw bytes like the events (bad ones are dead-lettered verbatim).
     */
    public static final Topic<String, byte[]> NOTIFICATIONS =
            Topic.load("sync.notifications", Serdes.String(), Serdes.ByteArray());

    /** Broadcasts (contract §14): key the channel, value the JSON of {@code POST /api/v1/broadcasts}. */
    public static final Topic<String, byte[]> BROADCASTS =
            Topic.load("sync.broadcasts", Serdes.String(), Serdes.ByteArray());

    /**
     * The PubNub ingress's cursors (contract §15): key a channel (or {@code *}), value a timetoken as decimal digits,
     * written in the transactions that produce what devices published.
     */
    public static final Topic<String, String> PUBNUB_INGRESS =
            Topic.load("sync.pubnub-ingress", Serdes.String(), Serdes.String());

    /**
     * The header of a record of {@link #STATE_DELTAS} naming the region whose input made the change (contract §16) —
     * for a device's timeout, the region of the device's last presence event; absent without regions.
     */
    public static final String REGION_HEADER = "sync.region";

    private static final List<Topic<?, ?>> ALL = List.of(DEVICE_EVENTS, STATE_DELTAS, DEAD_LETTERS, CONTENT_HOURLY,
            TRENDING, NOTIFICATIONS, BROADCASTS, PUBNUB_INGRESS);

    private Topics() {
    }

    public static List<Topic<?, ?>> all() {
        return ALL;
    }

    public static List<TopicDefinition> definitions() {
        return ALL.stream().map(Topic::definition).toList();
    }
}
