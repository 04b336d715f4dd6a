package io.mediagateway.sync.web;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The opaque read-your-writes token a write answers: where its event landed on {@code sync.device-events}.
 * A read with {@code after=<token>} waits until the store holding that user has processed that offset.
 */
public record ReadToken(int partition, long offset) {
    private static final String VERSION = "v1";

    public String encode() {
        String raw = VERSION + ":" + partition + ":" + offset;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The token, or empty if the text is not one this service issued. */
    public static Optional<ReadToken> decode(String token) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
            if (parts.length != 3 || !VERSION.equals(parts[0])) {
                return Optional.empty();
            }
            int partition = Integer.parseInt(parts[1]);
            long offset = Long.parseLong(parts[2]);
            return partition < 0 || offset < 0 ? Optional.empty() : Optional.of(new ReadToken(partition, offset));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
