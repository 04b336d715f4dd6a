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
import io.mediagateway.sync.model.Identifiers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

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

    private final Algorithm algorithm;
    private final JWTVerifier verifier;

    /** Who a verified token speaks for. {@code deviceId} is null for a service. */
    public record Principal(String subject, String deviceId, boolean service) {
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
        this.algorithm = Algorithm.HMAC256(secret);
        JWTVerifier.BaseVerification verification = (JWTVerifier.BaseVerification) JWT.require(algorithm)
                .withClaimPresence("exp").withClaimPresence("sub");
        this.verifier = verification.build(clock);
    }

    /** Verifies a token and its claims. */
    public Principal verify(String token) {
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
        String subject = jwt.getSubject();
        if (SERVICE_ROLE.equals(jwt.getClaim(ROLE_CLAIM).asString())) {
            if (!Identifiers.isUserId(subject)) {
                throw new InvalidTokenException("a service token's 'sub' must name the service: " + Identifiers.USER_ID_RULE);
            }
            return new Principal(subject, null, true);
        }
        if (!Identifiers.isUserId(subject)) {
            throw new InvalidTokenException("the token's 'sub' is not a valid user id: " + Identifiers.USER_ID_RULE);
        }
        String device = jwt.getClaim(DEVICE_CLAIM).asString();
        if (!Identifiers.isDeviceId(device)) {
            throw new InvalidTokenException("the token's 'device_id' claim must be " + Identifiers.DEVICE_ID_RULE);
        }
        return new Principal(subject, device, false);
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
