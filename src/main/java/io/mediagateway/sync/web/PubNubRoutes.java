package io.mediagateway.sync.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.HttpStatus;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.model.BroadcastChannel;
import io.mediagateway.sync.model.PubNubAccess.Grant;
import io.mediagateway.sync.model.PubNubAccess.Outcome;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * {@code POST /api/v1/pubnub/token} (contract §15): a PubNub Access Manager token for the calling user's device,
 * with the user's {@code cipher_key} when messages are encrypted per user. The device's region channel is the
 * token's {@code region} claim, else the body's {@code region}. 200 with the token; 403 for a backend token (a
 * token belongs to a user's device); 502 {@code pubnub_refused} when PubNub refused the grant; 503
 * {@code pubnub_unavailable} when PubNub is not configured for grants or did not answer.
 */
public final class PubNubRoutes {

    /** Grants tokens: PubNub's answer for one user and region. */
    @FunctionalInterface
    public interface Granter {
        Outcome grant(String userId, Optional<String> region);
    }

    private final ApiRoutes api;
    private final Granter granter;
    private final LongSupplier clockMs;

    public PubNubRoutes(ApiRoutes api, Granter granter, LongSupplier clockMs) {
        this.api = api;
        this.granter = granter;
        this.clockMs = clockMs;
    }

    /** The granter when none can be made: every request is answered 503 with {@code why}. */
    public static Granter unavailable(String why) {
        return (user, region) -> new Outcome.Unavailable(why);
    }

    public void register(JavalinConfig config) {
        config.routes.post("/api/v1/pubnub/token", ctx -> {
            JwtTokens.Principal principal = api.authenticate(ctx.header("Authorization"), null);
            if (principal.service()) {
                throw new ApiRoutes.ApiException(HttpStatus.FORBIDDEN, "forbidden", "a PubNub token is granted to a "
                        + "user's device: call with the user's token, not a " + principal.role().name().toLowerCase(Locale.ROOT)
                        + " token");
            }
            Optional<String> region = Optional.ofNullable(principal.region()).or(() -> bodyRegion(ApiRoutes.optionalBody(ctx)));
            Outcome outcome = granter.grant(principal.subject(), region);
            if (outcome instanceof Outcome.Granted granted) {
                ctx.contentType("application/json").result(Json.bytes(answer(granted.grant(), clockMs.getAsLong())));
            } else if (outcome instanceof Outcome.Refused refused) {
                throw new ApiRoutes.ApiException(HttpStatus.BAD_GATEWAY, "pubnub_refused", refused.message());
            } else {
                throw new ApiRoutes.ApiException(HttpStatus.SERVICE_UNAVAILABLE, "pubnub_unavailable",
                        ((Outcome.Unavailable) outcome).message(), 5);
            }
        });
    }

    private static Optional<String> bodyRegion(ObjectNode body) {
        JsonNode region = body.get("region");
        if (region == null || region.isNull()) {
            return Optional.empty();
        }
        if (!region.isTextual() || BroadcastChannel.region(region.asText()).isEmpty()) {
            throw new ApiRoutes.ApiException(HttpStatus.BAD_REQUEST, "invalid_field", "'region' must be a region code: "
                    + BroadcastChannel.SEGMENT_RULE);
        }
        return Optional.of(region.asText());
    }

    /** The contract's answer; {@code ttl_minutes} is what is left of the token's life (a cached token is older). */
    static ObjectNode answer(Grant g, long nowMs) {
        ObjectNode out = Json.object();
        out.put("token", g.token());
        out.put("ttl_minutes", Math.max(1, (g.expiresAtMs() - nowMs) / 60_000L));
        out.put("expires_at", Instant.ofEpochMilli(g.expiresAtMs()).toString());
        out.put("subscribe_key", g.subscribeKey());
        out.put("uuid", g.uuid());
        ObjectNode channels = out.putObject("channels");
        g.channels().forEach((name, permissions) -> {
            ArrayNode list = channels.putArray(name);
            permissions.forEach(p -> list.add(p.code()));
        });
        g.cipherKey().ifPresent(k -> out.put("cipher_key", k));
        g.previousCipherKey().ifPresent(k -> out.put("previous_cipher_key", k));
        return out;
    }
}
