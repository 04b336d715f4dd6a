package io.mediagateway.sync.web;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.time.Duration;
import java.time.Instant;

/** Mints the HS256 tokens the API accepts: a user's ({@code sub}, {@code device_id}) or a backend service's ({@code role: service}). */
public final class JwtTokens {
    public static final String DEVICE_CLAIM = "device_id";
    public static final String ROLE_CLAIM = "role";
    public static final String SERVICE_ROLE = "service";

    private final Algorithm algorithm;

    public JwtTokens(String secret) {
        this.algorithm = Algorithm.HMAC256(secret);
    }

    public String forUser(String userId, String deviceId, Duration ttl, Instant now) {
        return JWT.create()
                .withSubject(userId)
                .withClaim(DEVICE_CLAIM, deviceId)
                .withIssuedAt(now)
                .withExpiresAt(now.plus(ttl))
                .sign(algorithm);
    }

    public String forService(String serviceName, Duration ttl, Instant now) {
        return JWT.create()
                .withSubject(serviceName)
                .withClaim(ROLE_CLAIM, SERVICE_ROLE)
                .withIssuedAt(now)
                .withExpiresAt(now.plus(ttl))
                .sign(algorithm);
    }
}
