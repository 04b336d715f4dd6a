package io.mediagateway.sync.ingest;

/** Where the API's writes go: {@code sync.device-events}, acknowledged by all in-sync replicas. */
@FunctionalInterface
public interface EventSink {
    /**
     * Produces one event keyed by its user and waits for the acknowledgement.
     *
     * @return where it landed, for the read-your-writes token
     * @throws UnavailableException when Kafka does not acknowledge in time
     */
    LogPosition write(String userId, byte[] event);

    /** Kafka did not take the write: 503. */
    final class UnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
