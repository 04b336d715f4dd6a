package io.mediagateway.sync.ingest;

/**
 * Where a write's event landed on {@code sync.device-events}: what a read with {@code after=<token>} waits
 * for the store holding the user to have processed. Clients see it only inside a signed read token.
 */
public record LogPosition(int partition, long offset) {
}
