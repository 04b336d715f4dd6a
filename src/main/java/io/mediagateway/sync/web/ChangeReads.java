package io.mediagateway.sync.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.HttpStatus;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.codec.Json.CodecException;
import io.mediagateway.sync.model.ChangeCursor;
import io.mediagateway.sync.query.ChangeHistory;
import io.mediagateway.sync.query.ReadRouter;
import io.mediagateway.sync.query.UserStateReader;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The catch-up reads of contract §13, wherever the user's state lives: {@code GET /api/v1/sync/changes} and
 * the opening of a {@code /ws?since=} session; a cursor that is not one of the user's is
 * {@code 400 invalid_cursor}, a page size outside 1–{@value ChangeHistory#MAX_LIMIT} {@code 400 invalid_field}.
 */
final class ChangeReads {
    private final ReadRouter router;
    private final UserStateReader reader;
    private final LongSupplier wallClockMs;

    ChangeReads(ReadRouter router, UserStateReader reader, LongSupplier wallClockMs) {
        this.router = router;
        this.reader = reader;
        this.wallClockMs = wallClockMs;
    }

    /**
     * The changes since a cursor for a WebSocket session (contract §13), from wherever the user's state lives:
     * the answer of {@code GET /api/v1/sync/changes}.
     *
     * @throws ApiRoutes.ApiException 400 {@code invalid_cursor}, or 503 when the user's state cannot be read now
     */
    ObjectNode since(String user, String since, int limit, String bearerToken) throws InterruptedException {
        cursor(user, since);
        String path = "/api/v1/sync/changes?since=" + since + "&limit=" + limit + "&user_id=" + user;
        ReadRouter.Outcome outcome = router.read(user, Optional.empty(), (s, u) -> Optional.of(read(s, u, since, limit)),
                Optional.of(new ReadRouter.Forward(path, "Bearer " + bearerToken)));
        if (outcome instanceof ReadRouter.Found found) {
            return found.body();
        }
        if (outcome instanceof ReadRouter.Relayed relayed) {
            JsonNode body;
            try {
                body = Json.parse(relayed.body());
            } catch (CodecException e) {
                body = Json.object();
            }
            if (relayed.status() == 200 && body.isObject()) {
                return (ObjectNode) body;
            }
            throw new ApiRoutes.ApiException(relayed.status() == 400 ? HttpStatus.BAD_REQUEST : HttpStatus.SERVICE_UNAVAILABLE,
                    body.path("error").asText("unavailable"), body.path("message").asText("the owner of user " + user
                    + " answered " + relayed.status()), 1);
        }
        String message = outcome instanceof ReadRouter.NotReady notReady ? notReady.message() : "no answer";
        throw new ApiRoutes.ApiException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "the user's changes cannot be read now ("
                + message + ")", 1);
    }

    /** {@code GET /api/v1/sync/changes} (contract §13), read where the user's state lives. */
    ObjectNode read(UserStateReader.Stores stores, String user, String since, int limit) {
        try {
            return reader.changes(stores, user, cursor(user, since), limit, wallClockMs.getAsLong());
        } catch (ChangeHistory.CursorAheadException e) {
            throw new ApiRoutes.ApiException(HttpStatus.BAD_REQUEST, "invalid_cursor", e.getMessage());
        }
    }

    /** A cursor of this user's, else 400 {@code invalid_cursor}. */
    static ChangeCursor cursor(String user, String text) {
        return ChangeCursor.decode(user, text).orElseThrow(() -> new ApiRoutes.ApiException(HttpStatus.BAD_REQUEST, "invalid_cursor",
                "'since' is not a cursor of user " + user + "'s changes (malformed, or another user's)"));
    }

    static int limit(String raw) {
        if (raw == null) {
            return ChangeHistory.MAX_LIMIT;
        }
        try {
            int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= ChangeHistory.MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new ApiRoutes.ApiException(HttpStatus.BAD_REQUEST, "invalid_field", "'limit' must be an integer from 1 to "
                + ChangeHistory.MAX_LIMIT);
    }
}
