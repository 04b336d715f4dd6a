package io.mediagateway.sync.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.pubnub.api.UserId;
import com.pubnub.api.java.PubNub;
import com.pubnub.api.java.v2.PNConfiguration;
import com.pubnub.api.models.consumer.access_manager.v3.PNToken;
import io.mediagateway.sync.egress.pubnub.PubNubSink;
import io.mediagateway.sync.egress.pubnub.PubNubTokens;
import io.mediagateway.sync.egress.pubnub.UserCipherKeys;
import io.mediagateway.sync.testing.PubNubStandIn;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST /api/v1/pubnub/token} (contract §15) through the real route, the real granter and the SDK's
 * {@code grantToken} against the PubNub stand-in, which checks the request's signature.
 */
class PubNubTokenApiTest {
    @RegisterExtension
    final ApiFixture f = new ApiFixture();
    private final PubNubStandIn pubnub = PubNubStandIn.start();
    private PubNubTokens tokens;

    @AfterEach
    void stop() {
        if (tokens != null) {
            tokens.close();
        }
        pubnub.close();
    }

    private void grantWith(boolean ingress, Optional<UserCipherKeys> keys) {
        tokens = new PubNubTokens(new PubNubSink.Connection("pub-key", "sub-key", Optional.of("sec-key"),
                Optional.of(pubnub.origin()), false, Optional.empty(), "sync.service", keys), 1440, ingress, 1000,
                System::currentTimeMillis);
        f.granter.set(tokens::grant);
    }

    private static PNToken parse(String token) throws Exception {
        PubNub sdk = PubNub.create(PNConfiguration.builder(new UserId("reader"), "sub-key").build());
        try {
            return sdk.parseToken(token);
        } finally {
            sdk.forceDestroy();
        }
    }

    private static Map<String, Integer> bits(PNToken token) {
        Map<String, Integer> out = new TreeMap<>();
        token.getResources().getChannels().forEach((name, p) -> out.put(name,
                (p.getRead() ? 1 : 0) | (p.getWrite() ? 2 : 0) | (p.getManage() ? 4 : 0) | (p.getDelete() ? 8 : 0)
                        | (p.getGet() ? 32 : 0) | (p.getUpdate() ? 64 : 0) | (p.getJoin() ? 128 : 0)));
        return out;
    }

    @Test
    void aUsersTokenReadsItsOwnChannelsOnlyAndWritesWhereIngressTakesEvents() throws Exception {
        grantWith(true, Optional.empty());
        String alice = f.tokens.forUser("alice", "tv", "eu-west", Duration.ofHours(1), Instant.now());

        HttpResponse<String> r = f.post("/api/v1/pubnub/token", alice, "");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = f.json(r);
        assertThat(answer.get("ttl_minutes").asInt()).isBetween(1439, 1440);
        assertThat(answer.get("subscribe_key").asText()).isEqualTo("sub-key");
        assertThat(answer.get("uuid").asText()).isEqualTo("alice");
        assertThat(answer.has("cipher_key")).isFalse();
        assertThat(f.mapper.convertValue(answer.get("channels"), Map.class)).isEqualTo(Map.of(
                "user.alice.sync", java.util.List.of("read", "write"),
                "user.alice.devices", java.util.List.of("read", "write"),
                "user.alice.notifications", java.util.List.of("read"),
                "global.trending", java.util.List.of("read"),
                "global.announcements", java.util.List.of("read"),
                "region.eu-west.updates", java.util.List.of("read")));
        // What PubNub granted, read back from the token by the SDK: bound to alice, exactly those channels.
        PNToken token = parse(answer.get("token").asText());
        assertThat(token.getAuthorizedUUID()).isEqualTo("alice");
        assertThat(token.getTtl()).isEqualTo(1440);
        assertThat(bits(token)).isEqualTo(Map.of("user.alice.sync", 3, "user.alice.devices", 3,
                "user.alice.notifications", 1, "global.trending", 1, "global.announcements", 1, "region.eu-west.updates", 1));
        assertThat(token.getPatterns().getChannels()).as("no pattern reaches other users' channels").isEmpty();

        // bob's token names none of alice's channels, and alice's none of bob's.
        JsonNode bob = f.json(f.post("/api/v1/pubnub/token", f.user("bob", "phone"), ""));
        PNToken bobs = parse(bob.get("token").asText());
        assertThat(bobs.getAuthorizedUUID()).isEqualTo("bob");
        assertThat(bobs.getResources().getChannels().keySet()).noneMatch(c -> c.contains("alice"))
                .contains("user.bob.sync").doesNotContain("region.eu-west.updates");
        assertThat(token.getResources().getChannels().keySet()).noneMatch(c -> c.contains("bob"));
    }

    @Test
    void withoutIngressDevicesOnlyReadAndTheAnswerCarriesTheUsersKey() throws Exception {
        UserCipherKeys keys = new UserCipherKeys("user-keys-secret", Optional.of("old-secret"));
        grantWith(false, Optional.of(keys));

        JsonNode answer = f.json(f.post("/api/v1/pubnub/token", f.user("alice", "tv"), "{\"region\":\"us-east\"}"));

        assertThat(bits(parse(answer.get("token").asText()))).isEqualTo(Map.of("user.alice.sync", 1,
                "user.alice.devices", 1, "user.alice.notifications", 1, "global.trending", 1, "global.announcements", 1,
                "region.us-east.updates", 1));
        assertThat(answer.get("cipher_key").asText()).isEqualTo(keys.cipherKey("alice")).hasSize(43);
        assertThat(answer.get("previous_cipher_key").asText()).isEqualTo(keys.previousCipherKey("alice").orElseThrow());
        f.assertError(f.post("/api/v1/pubnub/token", f.user("alice", "tv"), "{\"region\":\"eu west\"}"), 400, "invalid_field");
    }

    @Test
    void aTokenIsReusedForTheSameUserAndRegion() throws Exception {
        grantWith(true, Optional.empty());
        String first = f.json(f.post("/api/v1/pubnub/token", f.user("alice", "tv"), "")).get("token").asText();
        String second = f.json(f.post("/api/v1/pubnub/token", f.user("alice", "phone"), "")).get("token").asText();

        assertThat(second).isEqualTo(first);
        assertThat(pubnub.grantRequests()).isEqualTo(1);
        f.post("/api/v1/pubnub/token", f.user("alice", "tv"), "{\"region\":\"eu-west\"}");
        assertThat(pubnub.grantRequests()).as("another region is another token").isEqualTo(2);
    }

    @Test
    void aRefusedGrantIsA502AndNothingIsCached() throws Exception {
        grantWith(true, Optional.empty());
        pubnub.refuseGrants(new PubNubStandIn.Answer(403, Map.of(),
                "{\"status\":403,\"error\":{\"message\":\"Forbidden\"},\"service\":\"Access Manager\"}"));

        HttpResponse<String> refused = f.post("/api/v1/pubnub/token", f.user("alice", "tv"), "");
        f.assertError(refused, 502, "pubnub_refused");
        assertThat(f.json(refused).get("message").asText()).contains("403");

        pubnub.refuseGrants(null);
        assertThat(f.post("/api/v1/pubnub/token", f.user("alice", "tv"), "").statusCode()).isEqualTo(200);
        assertThat(pubnub.grantRequests()).as("the refusal was not cached").isEqualTo(2);
    }

    @Test
    void backendTokensGetNoPubNubTokenAndAnUnconfiguredServiceSaysWhy() throws Exception {
        HttpResponse<String> off = f.post("/api/v1/pubnub/token", f.user("alice", "tv"), "");
        f.assertError(off, 503, "pubnub_unavailable");
        assertThat(f.json(off).get("message").asText()).contains("PUBNUB_PUBLISH_KEY");
        assertThat(off.headers().firstValue("Retry-After")).isPresent();

        grantWith(true, Optional.empty());
        String service = f.tokens.forService("catalog", Duration.ofHours(1), Instant.now());
        f.assertError(f.post("/api/v1/pubnub/token", service, ""), 403, "forbidden");
        f.assertError(f.post("/api/v1/pubnub/token", null, ""), 401, "unauthorized");
        assertThat(pubnub.grantRequests()).isZero();
    }
}
