package io.mediagateway.sync.web;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.mediagateway.sync.ingest.EventSink;
import io.mediagateway.sync.ingest.RejectedException;
import io.mediagateway.sync.query.UserStateReader;
import java.util.Optional;

/**
 * The one mapping of the API's failures to its errors (contract §6): status, code, message, and when to
 * retry. REST answers with it; the WebSocket sends the same code and message in an {@code error}.
 */
final class ApiErrors {
    /** A failure as the API reports it. */
    record Mapped(HttpStatus status, String code, String message, int retryAfterSeconds) {
    }

    private ApiErrors() {
    }

    /** The error a failure is, or empty for one that is not the client's (a bug: internal, logged). */
    static Optional<Mapped> of(Throwable e) {
        if (e instanceof ApiRoutes.ApiException api) {
            return Optional.of(new Mapped(api.status, api.code, api.getMessage(), api.retryAfterSeconds));
        }
        if (e instanceof RejectedException rejected) {
            return Optional.of(new Mapped(HttpStatus.BAD_REQUEST, rejected.reason().code(), rejected.getMessage(), 0));
        }
        if (e instanceof JwtTokens.InvalidTokenException) {
            return Optional.of(new Mapped(HttpStatus.UNAUTHORIZED, "unauthorized", e.getMessage(), 0));
        }
        if (e instanceof EventSink.UnavailableException) {
            return Optional.of(new Mapped(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", e.getMessage(), 1));
        }
        if (e instanceof UserStateReader.UnreadableValueException) {
            return Optional.of(new Mapped(HttpStatus.INTERNAL_SERVER_ERROR, "unreadable_value", e.getMessage(), 0));
        }
        return Optional.empty();
    }

    /** REST: every failure above answered in the error shape, with {@code Retry-After} and {@code WWW-Authenticate} where they apply. */
    static void register(JavalinConfig config) {
        for (Class<? extends Exception> type : java.util.List.of(ApiRoutes.ApiException.class, RejectedException.class,
                JwtTokens.InvalidTokenException.class, EventSink.UnavailableException.class,
                UserStateReader.UnreadableValueException.class)) {
            config.routes.exception(type, (e, ctx) -> respond(ctx, of(e).orElseThrow()));
        }
    }

    private static void respond(Context ctx, Mapped m) {
        if (m.retryAfterSeconds() > 0) {
            ctx.header("Retry-After", Integer.toString(m.retryAfterSeconds()));
        }
        if (m.status() == HttpStatus.UNAUTHORIZED) {
            ctx.header("WWW-Authenticate", "Bearer");
        }
        WebServer.error(ctx, m.status(), m.code(), m.message());
    }
}
