package io.mediagateway.sync.ingest;

import io.mediagateway.sync.web.ReadTokens;

/**
 * Where a write's event landed on {@code sync.device-events}: what a read with {@code after=<token>} waits
 * for the store holding the user to have processed. Clients see it only inside a signed token ({@link ReadTokens}).
 */
public record ReadToken(int partition, long offset) {
}
