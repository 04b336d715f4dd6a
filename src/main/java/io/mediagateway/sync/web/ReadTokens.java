package io.mediagateway.sync.web;

import io.mediagateway.sync.ingest.LogPosition;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The opaque read-your-writes tokens a write answers (contract §6, §18): the write's position, signed
 * with HMAC-SHA256 under a key every instance derives from {@code SYNC_JWT_SECRET}, and bound to the
 * user, so any instance accepts a token any instance issued, and refuses at once one it did not issue:
 * forged, altered, or another user's. Only a verified token ever makes a read wait.
 *
 * <p>Form: {@code base64url("v2:<partition>:<offset>") "." base64url(first 16 bytes of the MAC)}; with regions
 * (contract §16) the payload ends with {@code :<region>}: a position is one in the region's own log, so another region
 * knows the token for one of its peer's ({@link #issuedElsewhere}) rather than reading it as a position of its own.
 */
public final class ReadTokens {
    private static final String VERSION = "v2";
    private static final int MAC_BYTES = 16;
    /** Longer than any token issued; longer text is refused before it is decoded. */
    static final int MAX_LENGTH = 160;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec key;
    private final Optional<String> region;

    public ReadTokens(byte[] key) {
        this(key, Optional.empty());
    }

    /** Tokens of region {@code region} (empty: no regions). */
    public ReadTokens(byte[] key, Optional<String> region) {
        if (key.length < 32) {
            throw new IllegalArgumentException("a read-token key needs at least 32 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.region = region;
    }

    /** The token of {@code position}, for reads of {@code user}. */
    public String issue(String user, LogPosition position) {
        String payload = VERSION + ":" + position.partition() + ":" + position.offset() + region.map(r -> ":" + r).orElse("");
        return ENCODER.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + ENCODER.encodeToString(mac(user, payload));
    }

    /** The position behind {@code token}, or empty if this region of the service did not issue it for {@code user}. */
    public Optional<LogPosition> verify(String user, String token) {
        // A token without a region was issued by this cluster before it had regions: a position in its own log.
        return payload(user, token).filter(parts -> regionOf(parts).isEmpty() || regionOf(parts).equals(region))
                .flatMap(ReadTokens::position);
    }

    /**
     * The region that issued {@code token} for {@code user} when it is another region of this service (contract §16):
     * its position is one in that region's log, which this region cannot wait for.
     */
    public Optional<String> issuedElsewhere(String user, String token) {
        return payload(user, token).map(ReadTokens::regionOf).filter(r -> !r.equals(region)).flatMap(r -> r);
    }

    private static Optional<String> regionOf(String[] parts) {
        return parts.length == 4 ? Optional.of(parts[3]) : Optional.empty();
    }

    private static Optional<LogPosition> position(String[] parts) {
        try {
            int partition = Integer.parseInt(parts[1]);
            long offset = Long.parseLong(parts[2]);
            return partition < 0 || offset < 0 ? Optional.empty() : Optional.of(new LogPosition(partition, offset));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The parts of a token's payload when its MAC is right for {@code user}. */
    private Optional<String[]> payload(String user, String token) {
        if (token == null || token.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        try {
            String payload = new String(Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8);
            byte[] given = Base64.getUrlDecoder().decode(token.substring(dot + 1));
            if (!MessageDigest.isEqual(given, mac(user, payload))) {
                return Optional.empty();
            }
            String[] parts = payload.split(":");
            if (parts.length < 3 || parts.length > 4 || !VERSION.equals(parts[0])) {
                return Optional.empty();
            }
            return Optional.of(parts);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(String user, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(user.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return Arrays.copyOf(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)), MAC_BYTES);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}
