package io.mediagateway.sync.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.mediagateway.sync.analytics.AnalyticsSource;
import io.mediagateway.sync.codec.AnalyticsCodec;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.codec.MessageCodec;
import io.mediagateway.sync.model.Identifiers;
import io.mediagateway.sync.query.OwnerClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The analytics reads (any valid token): {@code GET /api/v1/analytics/trending} and
 * {@code GET /api/v1/analytics/content/{content_id}?from=&to=}. Figures live in the analytics
 * application's stores on whichever instance holds the key; the request is forwarded there.
 */
public final class AnalyticsRoutes {
    /** The longest period one content request may cover. */
    static final Duration MAX_RANGE = Duration.ofDays(31);
    static final Duration DEFAULT_RANGE = Duration.ofHours(24);

    private final ApiRoutes api;
    private final AnalyticsSource source;
    private final Supplier<Instant> now;
    private final OwnerClient owners = new OwnerClient();

    public AnalyticsRoutes(ApiRoutes api, AnalyticsSource source, Supplier<Instant> now) {
        this.api = api;
        this.source = source;
        this.now = now;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/api/v1/analytics/trending", ctx -> {
            authenticate(ctx);
            answer(ctx, source.trending(), MessageCodec::emptyList);
        });
        config.routes.get("/api/v1/analytics/content/{content_id}", ctx -> {
            authenticate(ctx);
            String content = ctx.pathParam("content_id");
            if (!Identifiers.isContentId(content)) {
                throw new ApiRoutes.ApiException(HttpStatus.BAD_REQUEST, "invalid_content_id",
                        "'content_id' must be " + Identifiers.CONTENT_ID_RULE);
            }
            Instant to = instant(ctx, "to").orElseGet(() -> now.get().truncatedTo(ChronoUnit.SECONDS));
            Instant from = instant(ctx, "from").orElse(to.minus(DEFAULT_RANGE)).truncatedTo(ChronoUnit.HOURS);
            if (!from.isBefore(to)) {
                throw new ApiRoutes.ApiException(HttpStatus.BAD_REQUEST, "invalid_field", "'from' must be before 'to'");
            }
            if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
                throw new ApiRoutes.ApiException(HttpStatus.BAD_REQUEST, "invalid_field",
                        "'from' to 'to' may cover at most " + MAX_RANGE.toDays() + " days");
            }
            answer(ctx, source.hours(content, from, to), () -> AnalyticsCodec.contentHours(content, from, to, List.of()));
        });
    }

    private void answer(Context ctx, AnalyticsSource.Answer answer, Supplier<ObjectNode> empty) {
        if (answer instanceof AnalyticsSource.Elsewhere elsewhere && ctx.header(OwnerClient.FORWARDED) == null) {
            String query = ctx.queryString() == null ? "" : "?" + ctx.queryString();
            Optional<HttpResponse<byte[]>> relayed = owners.get(elsewhere.baseUrl() + ctx.path() + query,
                    ctx.header("Authorization"));
            if (relayed.isPresent()) {
                HttpResponse<byte[]> r = relayed.get();
                ctx.status(r.statusCode()).contentType("application/json").result(r.body());
                r.headers().firstValue("Retry-After").ifPresent(v -> ctx.header("Retry-After", v));
                return;
            }
            answer = new AnalyticsSource.Unavailable("the instance holding these figures did not answer");
        }
        if (answer instanceof AnalyticsSource.Found found) {
            ctx.contentType("application/json").result(Json.bytes(found.body()));
        } else if (answer instanceof AnalyticsSource.Empty) {
            ctx.contentType("application/json").result(Json.bytes(empty.get()));
        } else {
            String reason = answer instanceof AnalyticsSource.Unavailable u ? u.reason() : "the figures moved; retry";
            throw new ApiRoutes.ApiException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", reason, 1);
        }
    }

    private void authenticate(Context ctx) {
        api.authenticate(ctx.header("Authorization"), null);
    }

    /** An ISO-8601 instant ({@code 2026-11-21T10:00:00Z}) or epoch milliseconds. */
    static Optional<Instant> instant(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        try {
            if (raw.chars().allMatch(Character::isDigit) && raw.length() <= 15) {
                return Optional.of(Instant.ofEpochMilli(Long.parseLong(raw)));
            }
            return Optional.of(Instant.parse(raw));
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new ApiRoutes.ApiException(HttpStatus.BAD_REQUEST, "invalid_field", "'" + name
                    + "' must be an ISO-8601 instant (2026-11-21T10:00:00Z) or epoch milliseconds");
        }
    }
}
