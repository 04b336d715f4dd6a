package io.mediagateway.sync.web;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.mediagateway.sync.model.BroadcastChannel;
import io.mediagateway.sync.model.Identifiers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mints and verifies the HS256 tokens the API accepts: a user's ({@code sub}, {@code device_id}) or a
 * backend service's ({@code role: service}, acting for any user). Verification uses java-jwt (no
 * hand-rolled crypto) and then the contract's identifier rules: a {@code sub} that is not a valid
 * user id (a dot, say) is refused, since it would become part of PubNub channel names.
 */
public final class JwtTokens {
    public static final String DEVICE_CLAIM = "device_id";
    public static final String ROLE_CLAIM = "role";
    public static final String SERVICE_ROLE = "service";
    /** A backend principal that may also post {@code global.announcements} (contract §14). */
    public static final String ADMIN_ROLE = "admin";
    /** A user token's region (contract §14): its device follows {@code region.{region}.updates}. */
    public static final String REGION_CLAIM = "region";

    private static final JsonFactory STRICT = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /**
     * Verified tokens kept, at most: a device sends the same token with every request for its lifetime, and
     * verifying it again (two JSON parses of the library's, one more of ours, an HMAC, the claim rules) is the
     * same work each time. A few hundred bytes each (the token, its principal, the cache's entry).
     */
    static final int VERIFIED_TOKENS = 50_000;

    private final byte[] secret;
    private final Algorithm algorithm;
    private final JWTVerifier verifier;
    private final Clock clock;
    private final Cache<String, Principal> verified = Caffeine.newBuilder().maximumSize(VERIFIED_TOKENS).build();

    /** What a token may do: act as its user, or — a backend principal — for any user; an admin also announces. */
    public enum Role {
        USER, SERVICE, ADMIN
    }

    /**
     * Who a verified token speaks for, until when. {@code deviceId} is null for a service or an admin.
     * {@code expiresAt} is the token's {@code exp}: a WebSocket session opened with it ends then unless refreshed.
     * {@code region} is a user token's {@code region} claim, or null.
     */
    public record Principal(String subject, String deviceId, Role role, String region, Instant expiresAt) {
        /** A user's (false) or a service's (true) principal without a region. */
        public Principal(String subject, String deviceId, boolean service, Instant expiresAt) {
            this(subject, deviceId, service ? Role.SERVICE : Role.USER, null, expiresAt);
        }

        /** A backend principal (service or admin): it acts for any user it names. */
        public boolean service() {
            return role != Role.USER;
        }

        /** Whether {@code other} speaks for the same user and device (or the same service): a session may switch to it. */
        public boolean sameHolder(Principal other) {
            return subject.equals(other.subject) && role == other.role && java.util.Objects.equals(deviceId, other.deviceId);
        }
    }

    /** A token that is missing, malformed, badly signed, expired, or breaks a claim rule: 401. */
    public static final class InvalidTokenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidTokenException(String message) {
            super(message, null, false, false);
        }
    }

    public JwtTokens(String secret) {
        this(secret, Clock.systemUTC());
    }

    JwtTokens(String secret, Clock clock) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.algorithm = Algorithm.HMAC256(secret);
        JWTVerifier.BaseVerification verification = (JWTVerifier.BaseVerification) JWT.require(algorithm)
                .withClaimPresence("exp").withClaimPresence("sub");
        this.verifier = verification.build(clock);
        this.clock = clock;
    }

    /**
     * Verifies a token and its claims. A token verified before answers from memory until its {@code exp}:
     * the same string always verifies the same way, and nothing else than time can change its outcome.
     */
    public Principal verify(String token) {
        Principal known = verified.getIfPresent(token);
        if (known != null) {
            if (clock.instant().isBefore(known.expiresAt())) {
                return known;
            }
            verified.invalidate(token);
        }
        Principal principal = verifyNow(token);
        verified.put(token, principal);
        return principal;
    }

    private Principal verifyNow(String token) {
        DecodedJWT jwt;
        try {
            jwt = verifier.verify(token);
        } catch (TokenExpiredException e) {
            throw new InvalidTokenException("the token has expired");
        } catch (SignatureVerificationException | AlgorithmMismatchException e) {
            throw new InvalidTokenException("the token's signature does not verify (HS256 with SYNC_JWT_SECRET)");
        } catch (JWTDecodeException e) {
            throw new InvalidTokenException("the token is not a JWT");
        } catch (JWTVerificationException e) {
            throw new InvalidTokenException("the token is not valid: " + e.getMessage());
        }
        if (!jwt.getHeaderClaim("crit").isMissing()) {
            // RFC 7515 §4.1.11: a recipient must refuse a token whose critical extensions it does not
            // implement; this service implements none.
            throw new InvalidTokenException("the token's header lists critical extensions ('crit'); this service supports none");
        }
        refuseRepeatedMembers(jwt.getHeader(), "header");
        refuseRepeatedMembers(jwt.getPayload(), "claims");
        String subject = jwt.getSubject();
        Instant expiresAt = jwt.getExpiresAtAsInstant();
        String role = jwt.getClaim(ROLE_CLAIM).asString();
        if (SERVICE_ROLE.equals(role) || ADMIN_ROLE.equals(role)) {
            if (!Identifiers.isUserId(subject)) {
                throw new InvalidTokenException("a " + role + " token's 'sub' must name the caller: " + Identifiers.USER_ID_RULE);
            }
            return new Principal(subject, null, SERVICE_ROLE.equals(role) ? Role.SERVICE : Role.ADMIN, null, expiresAt);
        }
        if (!Identifiers.isUserId(subject)) {
            throw new InvalidTokenException("the token's 'sub' is not a valid user id: " + Identifiers.USER_ID_RULE);
        }
        String device = jwt.getClaim(DEVICE_CLAIM).asString();
        if (!Identifiers.isDeviceId(device)) {
            throw new InvalidTokenException("the token's 'device_id' claim must be " + Identifiers.DEVICE_ID_RULE);
        }
        String region = jwt.getClaim(REGION_CLAIM).asString();
        if (region != null && BroadcastChannel.region(region).isEmpty()) {
            throw new InvalidTokenException("the token's 'region' claim must be " + BroadcastChannel.SEGMENT_RULE);
        }
        return new Principal(subject, device, Role.USER, region, expiresAt);
    }

    /**
     * RFC 7519 §4 lets a parser either refuse repeated claim names or keep the last; the library keeps
     * the last, so {@code {"sub":"alice","sub":"bob"}} would speak for whichever its parser picked. This
     * service refuses such a token instead, header and claims alike.
     */
    private static void refuseRepeatedMembers(String base64Url, String part) {
        byte[] json;
        try {
            json = Base64.getUrlDecoder().decode(base64Url);
        } catch (IllegalArgumentException e) {
            throw new InvalidTokenException("the token is not a JWT");
        }
        try (JsonParser parser = STRICT.createParser(json)) {
            while (parser.nextToken() != null) {
                // every member name is checked against its object's others as it is read
            }
        } catch (JsonParseException e) {
            throw new InvalidTokenException("the token's " + part + " repeat a member (" + e.getOriginalMessage()
                    + "); each may appear once");
        } catch (IOException e) {
            throw new InvalidTokenException("the token's " + part + " are not valid JSON");
        }
    }

    /** A fresh random secret of 256 bits (base64url), for a run without {@code SYNC_JWT_SECRET}. */
    public static String randomSecret() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * A key for another use of the same secret (e.g. signing read tokens): HMAC-SHA256 of {@code purpose}
     * under the secret, so every instance sharing {@code SYNC_JWT_SECRET} derives the same one.
     */
    public byte[] derivedKey(String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(("media-gateway-sync/" + purpose).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    public String forUser(String userId, String deviceId, Duration ttl, Instant now) {
        return JWT.create()
                .withSubject(userId)
                .withClaim(DEVICE_CLAIM, deviceId)
                .withIssuedAt(now)
                .withExpiresAt(now.plus(ttl))
                .sign(algorithm);
    }

    /** A user's token with a {@code region} claim (its device follows that region's broadcasts). */
    public String forUser(String userId, String deviceId, String region, Duration ttl, Instant now) {
        return JWT.create()
                .withSubject(userId)
                .withClaim(DEVICE_CLAIM, deviceId)
                .withClaim(REGION_CLAIM, region)
                .withIssuedAt(now)
                .withExpiresAt(now.plus(ttl))
                .sign(algorithm);
    }

    public String forService(String serviceName, Duration ttl, Instant now) {
        return forRole(serviceName, SERVICE_ROLE, ttl, now);
    }

    /** An admin's token: a service that may also post {@code global.announcements}. */
    public String forAdmin(String name, Duration ttl, Instant now) {
        return forRole(name, ADMIN_ROLE, ttl, now);
    }

    private String forRole(String name, String role, Duration ttl, Instant now) {
        return JWT.create()
                .withSubject(name)
                .withClaim(ROLE_CLAIM, role)
                .withIssuedAt(now)
                .withExpiresAt(now.plus(ttl))
                .sign(algorithm);
    }
}
