package io.mediagateway.sync.ingest;

import io.mediagateway.sync.topics.Topics;

/**
 * Where the API's writes go — {@code sync.device-events}, and {@code sync.notifications} and {@code sync.broadcasts}
 * for what backend services send — acknowledged by all in-sync replicas.
 */
@FunctionalInterface
public interface EventSink {
    /** No timestamp of the writer's: the producer stamps the record when it sends it. */
    long NOW = -1;

    /**
     * Produces one record and waits for the acknowledgement.
     *
     * @param timestampMs the record's timestamp, or {@link #NOW}
     * @return where it landed, for the read-your-writes token
     * @throws UnavailableException when Kafka does not acknowledge in time
     */
    LogPosition write(String topic, String key, byte[] value, long timestampMs);

    /** Produces one event of {@code sync.device-events} keyed by its user. */
    default LogPosition write(String userId, byte[] event) {
        return write(Topics.DEVICE_EVENTS.name(), userId, event, NOW);
    }

    /** Kafka did not take the write: 503. */
    final class UnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
