package io.mediagateway.sync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class JwtTokensTest {
    private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
    private final JwtTokens tokens = new JwtTokens(SECRET);
    private final Instant now = Instant.now();

    @Test
    void aUserTokenVerifiesToItsUserAndDevice() {
        JwtTokens.Principal p = tokens.verify(tokens.forUser("alice", "tv-1", Duration.ofHours(1), now));
        assertThat(p).isEqualTo(new JwtTokens.Principal("alice", "tv-1", false,
                now.plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS)));
    }

    @Test
    void aServiceTokenActsForAnyUser() {
        assertThat(tokens.verify(tokens.forService("playback", Duration.ofHours(1), now)))
                .isEqualTo(new JwtTokens.Principal("playback", null, true,
                        now.plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS)));
    }

    @Test
    void anAdminTokenIsABackendPrincipalAndAUserTokenMayNameARegion() {
        JwtTokens.Principal admin = tokens.verify(tokens.forAdmin("ops", Duration.ofHours(1), now));
        assertThat(admin.role()).isEqualTo(JwtTokens.Role.ADMIN);
        assertThat(admin.service()).as("acts for any user").isTrue();
        assertThat(admin.deviceId()).isNull();
        JwtTokens.Principal service = tokens.verify(tokens.forService("catalog", Duration.ofHours(1), now));
        assertThat(service.role()).isEqualTo(JwtTokens.Role.SERVICE);
        JwtTokens.Principal user = tokens.verify(tokens.forUser("alice", "tv", "eu-west", Duration.ofHours(1), now));
        assertThat(user.role()).isEqualTo(JwtTokens.Role.USER);
        assertThat(user.region()).isEqualTo("eu-west");
        assertThatThrownBy(() -> tokens.verify(tokens.forUser("alice", "tv", "eu west", Duration.ofHours(1), now)))
                .isInstanceOf(JwtTokens.InvalidTokenException.class).hasMessageContaining("region");
    }

    @Test
    void badTokensAreRefusedWithTheReason() {
        assertThatThrownBy(() -> tokens.verify("not-a-jwt")).hasMessageContaining("not a JWT");
        String other = new JwtTokens("another-secret-that-is-long-enough-too").forUser("alice", "tv", Duration.ofHours(1), now);
        assertThatThrownBy(() -> tokens.verify(other)).hasMessageContaining("signature");
        String expired = tokens.forUser("alice", "tv", Duration.ofSeconds(1), now.minus(Duration.ofHours(1)));
        assertThatThrownBy(() -> tokens.verify(expired)).hasMessageContaining("expired");
        String noExpiry = JWT.create().withSubject("alice").withClaim("device_id", "tv").sign(Algorithm.HMAC256(SECRET));
        assertThatThrownBy(() -> tokens.verify(noExpiry)).isInstanceOf(JwtTokens.InvalidTokenException.class);
        String none = JWT.create().withSubject("alice").withClaim("device_id", "tv").withExpiresAt(now.plusSeconds(60))
                .sign(Algorithm.none());
        assertThatThrownBy(() -> tokens.verify(none)).isInstanceOf(JwtTokens.InvalidTokenException.class);
    }

    @Test
    void aTokenVerifiedOnceIsRefusedFromItsExpiryOnEvenWhenRemembered() {
        Instant start = Instant.parse("2026-12-06T12:00:00Z");
        java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(start);
        java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        JwtTokens clocked = new JwtTokens("secret", clock);
        String token = clocked.forUser("alice", "tv", Duration.ofMinutes(1), start);
        assertThat(clocked.verify(token).subject()).isEqualTo("alice");
        now.set(start.plusSeconds(59));
        assertThat(clocked.verify(token).subject()).isEqualTo("alice");     // from memory, still valid
        now.set(start.plusSeconds(60));
        assertThatThrownBy(() -> clocked.verify(token)).hasMessageContaining("expired");
        // and a token refused once is refused again (nothing remembered of it)
        assertThatThrownBy(() -> clocked.verify(token + "x")).isInstanceOf(JwtTokens.InvalidTokenException.class);
        assertThatThrownBy(() -> clocked.verify(token + "x")).isInstanceOf(JwtTokens.InvalidTokenException.class);
    }

    @Test
    void aSubjectThatIsNotAUserIdIsRefused() {
        assertThatThrownBy(() -> tokens.verify(tokens.forUser("alice.smith", "tv", Duration.ofHours(1), now)))
                .hasMessageContaining("not a valid user id");
        assertThatThrownBy(() -> tokens.verify(tokens.forUser("alice", "living room tv", Duration.ofHours(1), now)))
                .hasMessageContaining("device_id");
    }

    @Test
    void aTokenThatRepeatsAClaimIsRefusedNotReadAsItsLastValue() throws Exception {
        // given tokens, correctly signed, that name the user twice (the library would keep the last)
        long exp = now.plusSeconds(3600).getEpochSecond();
        String twoSubjects = signed("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                "{\"sub\":\"alice\",\"device_id\":\"tv\",\"exp\":" + exp + ",\"sub\":\"bob\"}");
        String twoRoles = signed("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                "{\"sub\":\"playback\",\"role\":\"user\",\"exp\":" + exp + ",\"role\":\"service\"}");
        String twoAlgs = signed("{\"alg\":\"none\",\"typ\":\"JWT\",\"alg\":\"HS256\"}",
                "{\"sub\":\"alice\",\"device_id\":\"tv\",\"exp\":" + exp + "}");

        // then each is refused, naming the repeat
        assertThatThrownBy(() -> tokens.verify(twoSubjects)).isInstanceOf(JwtTokens.InvalidTokenException.class)
                .hasMessageContaining("repeat").hasMessageContaining("sub");
        assertThatThrownBy(() -> tokens.verify(twoRoles)).isInstanceOf(JwtTokens.InvalidTokenException.class)
                .hasMessageContaining("role");
        assertThatThrownBy(() -> tokens.verify(twoAlgs)).isInstanceOf(JwtTokens.InvalidTokenException.class);
        // and the same claims once each verify (the check refuses repeats, not the shape)
        assertThat(tokens.verify(signed("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                "{\"sub\":\"alice\",\"device_id\":\"tv\",\"exp\":" + exp + "}")).subject()).isEqualTo("alice");
    }

    @Test
    void aTokenWithCriticalExtensionsIsRefused() throws Exception {
        long exp = now.plusSeconds(3600).getEpochSecond();
        String critical = signed("{\"alg\":\"HS256\",\"crit\":[\"b64\"],\"b64\":false,\"typ\":\"JWT\"}",
                "{\"sub\":\"alice\",\"device_id\":\"tv\",\"exp\":" + exp + "}");
        assertThatThrownBy(() -> tokens.verify(critical)).isInstanceOf(JwtTokens.InvalidTokenException.class)
                .hasMessageContaining("crit");
    }

    /** A token of exactly this header and these claims, signed with the test secret. */
    private static String signed(String header, String claims) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString(header.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
        return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
