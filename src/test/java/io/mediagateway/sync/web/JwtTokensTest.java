package io.mediagateway.sync.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JwtTokensTest {
    private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
    private final JwtTokens tokens = new JwtTokens(SECRET);
    private final Instant now = Instant.now();

    @Test
    void aUserTokenVerifiesToItsUserAndDevice() {
        JwtTokens.Principal p = tokens.verify(tokens.forUser("alice", "tv-1", Duration.ofHours(1), now));
        assertThat(p).isEqualTo(new JwtTokens.Principal("alice", "tv-1", false));
    }

    @Test
    void aServiceTokenActsForAnyUser() {
        assertThat(tokens.verify(tokens.forService("playback", Duration.ofHours(1), now)))
                .isEqualTo(new JwtTokens.Principal("playback", null, true));
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
    void aSubjectThatIsNotAUserIdIsRefused() {
        assertThatThrownBy(() -> tokens.verify(tokens.forUser("alice.smith", "tv", Duration.ofHours(1), now)))
                .hasMessageContaining("not a valid user id");
        assertThatThrownBy(() -> tokens.verify(tokens.forUser("alice", "living room tv", Duration.ofHours(1), now)))
                .hasMessageContaining("device_id");
    }
}
