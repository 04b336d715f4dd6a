package io.mediagateway.sync.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.codec.Json.CodecException;
import io.mediagateway.sync.codec.MessageCodec;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.deadletter.RejectReason;
import io.mediagateway.sync.ingest.EventParser;
import io.mediagateway.sync.ingest.EventSink;
import io.mediagateway.sync.ingest.IngestEvent;
import io.mediagateway.sync.ingest.LogPosition;
import io.mediagateway.sync.ingest.RejectedException;
import io.mediagateway.sync.model.Identifiers;
import io.mediagateway.sync.model.Unicode;
import io.mediagateway.sync.query.OwnerClient;
import io.mediagateway.sync.query.ReadRouter;
import io.mediagateway.sync.query.StateSource;
import io.mediagateway.sync.query.UserStateReader;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The REST API of contract §6 under {@code /api/v1}. Writes are validated by the same
 * {@link EventParser} the topology uses, stamped with this process's HLC, produced to
 * {@code sync.device-events} and answered 202 with the HLC and a read-your-writes token. Reads come
 * from the stores of whichever instance holds the user, forwarded when that is another one.
 *
 * <p>Why this file is near 400 lines: the REST routes of contract §6 and §12–§13 and the one write path every
 * channel uses (REST, WebSocket); reads are delegated to ReadRouter, the catch-up reads to ChangeReads, what a
 * write must look up to StateLookups, writes' shapes to Writes, errors to ApiErrors.
 */
public final class ApiRoutes {
    /** The header that makes a REST write safe to retry (contract §12). */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final JwtTokens tokens;
    private final Hlc clock;
    private final EventSink sink;
    private final UserStateReader reader;
    private final LongSupplier wallClockMs;
    private final RateLimiter perUser;
    private final RateLimiter perDevice;
    private final EventParser parser = new EventParser();
    private final ReadTokens readTokens;
    private final ReadRouter router;
    private final StateLookups lookups;
    private final ChangeReads changes;
    private final BackendPosts backend;

    public ApiRoutes(JwtTokens tokens, Hlc clock, EventSink sink, StateSource state, UserStateReader reader,
                     LongSupplier wallClockMs) {
        this(tokens, clock, sink, state, reader, wallClockMs, new RateLimiter(0, System::nanoTime),
                new RateLimiter(0, System::nanoTime));
    }

    /** With request limits per user and per device (429 with {@code Retry-After} beyond them). */
    public ApiRoutes(JwtTokens tokens, Hlc clock, EventSink sink, StateSource state, UserStateReader reader,
                     LongSupplier wallClockMs, RateLimiter perUser, RateLimiter perDevice) {
        this(tokens, clock, sink, state, reader, wallClockMs, perUser, perDevice, ReadRouter.DEFAULT_MAX_WAITING_READS);
    }

    /** With at most {@code maxWaitingReads} reads waiting for their writes at once ({@code SYNC_MAX_WAITING_READS}). */
    public ApiRoutes(JwtTokens tokens, Hlc clock, EventSink sink, StateSource state, UserStateReader reader,
                     LongSupplier wallClockMs, RateLimiter perUser, RateLimiter perDevice, int maxWaitingReads) {
        this(tokens, clock, sink, state, reader, wallClockMs, perUser, perDevice, maxWaitingReads, Optional.empty());
    }

    /** In region {@code region} (contract §16): its read-your-writes tokens name it. */
    public ApiRoutes(JwtTokens tokens, Hlc clock, EventSink sink, StateSource state, UserStateReader reader,
                     LongSupplier wallClockMs, RateLimiter perUser, RateLimiter perDevice, int maxWaitingReads,
                     Optional<String> region) {
        this.readTokens = new ReadTokens(tokens.derivedKey("read-token"), region);
        this.router = new ReadRouter(state, reader, wallClockMs, maxWaitingReads);
        this.lookups = new StateLookups(router, reader, wallClockMs);
        this.changes = new ChangeReads(router, reader, wallClockMs);
        this.backend = new BackendPosts(sink, wallClockMs);
        this.perUser = perUser;
        this.perDevice = perDevice;
        this.tokens = tokens;
        this.clock = clock;
        this.sink = sink;
        this.reader = reader;
        this.wallClockMs = wallClockMs;
    }

    /** Registers the routes and the error mapping. */
    public void register(JavalinConfig config) {
        Writes.BY_PATH.forEach((path, kind) -> config.routes.post(path, ctx -> write(ctx, kind, body(ctx), null)));
        // The device lifecycle and deletes (contract §12): the path names the device or the content.
        config.routes.put("/api/v1/devices/{device_id}", ctx -> write(ctx, Writes.JOIN, body(ctx), ctx.pathParam("device_id")));
        config.routes.post("/api/v1/devices/{device_id}/heartbeat",
                ctx -> write(ctx, Writes.HEARTBEAT, optionalBody(ctx), ctx.pathParam("device_id")));
        config.routes.post("/api/v1/devices/{device_id}/leave",
                ctx -> write(ctx, Writes.LEAVE, optionalBody(ctx), ctx.pathParam("device_id")));
        config.routes.delete("/api/v1/devices/{device_id}", ctx -> write(ctx, Writes.DEVICE_REMOVE,
                optionalBody(ctx).put("target_device_id", ctx.pathParam("device_id")), null));
        config.routes.delete("/api/v1/sync/progress/{content_id}", ctx -> write(ctx, Writes.PROGRESS_REMOVE,
                optionalBody(ctx).put("content_id", ctx.pathParam("content_id")), null));
        // Erasure (contract §16): a service or admin token for any user, a user's token for itself; 202 at once.
        config.routes.delete("/api/v1/users/{user_id}", ctx -> write(ctx, Writes.ERASE,
                optionalBody(ctx).put("user_id", ctx.pathParam("user_id")), null));
        config.routes.get("/api/v1/sync/watchlist", ctx -> read(ctx, (s, u) -> Optional.of(reader.watchlist(s, u))));
        config.routes.get("/api/v1/sync/progress", ctx -> {
            UserStateReader.ProgressFilter filter = progressFilter(ctx.queryParam("filter"));
            read(ctx, (s, u) -> Optional.of(reader.progress(s, u, filter)));
        });
        config.routes.get("/api/v1/sync/progress/{content_id}", ctx -> {
            String content = ctx.pathParam("content_id");
            read(ctx, (s, u) -> reader.progressItem(s, u, content));
        });
        config.routes.get("/api/v1/sync/preferences", ctx -> read(ctx, (s, u) -> Optional.of(reader.preferences(s, u))));
        config.routes.get("/api/v1/devices", ctx -> read(ctx, (s, u) -> Optional.of(reader.devices(s, u, wallClockMs.getAsLong()))));
        config.routes.get("/api/v1/sync/snapshot", ctx -> read(ctx, (s, u) -> Optional.of(reader.snapshot(s, u, wallClockMs.getAsLong()))));
        config.routes.get("/api/v1/sync/changes", ctx -> {
            String since = ctx.queryParam("since");
            if (since == null) {
                throw new ApiException(HttpStatus.BAD_REQUEST, "missing_field", "'since' is required: the cursor of the "
                        + "last change the client has (from a snapshot, a delta or an earlier answer)");
            }
            int limit = ChangeReads.limit(ctx.queryParam("limit"));
            read(ctx, (s, u) -> Optional.of(changes.read(s, u, since, limit)));
        });
        // Notifications and broadcasts (contract §14).
        config.routes.post("/api/v1/notifications", ctx -> json(ctx.status(HttpStatus.ACCEPTED),
                backend.notification(authenticate(ctx), body(ctx))));
        config.routes.get("/api/v1/notifications", ctx -> read(ctx,
                (s, u) -> Optional.of(reader.notifications(s, u, wallClockMs.getAsLong()))));
        config.routes.get("/api/v1/notifications/{id}", ctx -> {
            String id = ctx.pathParam("id");
            read(ctx, (s, u) -> reader.notification(s, u, id, wallClockMs.getAsLong()));
        });
        config.routes.post("/api/v1/notifications/{id}/read", ctx -> write(ctx, Writes.NOTIFICATION_READ,
                optionalBody(ctx).put("notification_id", ctx.pathParam("id")), null));
        config.routes.post("/api/v1/notifications/{id}/dismiss", ctx -> write(ctx, Writes.NOTIFICATION_DISMISS,
                optionalBody(ctx).put("notification_id", ctx.pathParam("id")), null));
        config.routes.post("/api/v1/broadcasts", ctx -> json(ctx.status(HttpStatus.ACCEPTED),
                backend.broadcast(authenticate(ctx), body(ctx))));
        ApiErrors.register(config);
    }

    // ---- writes

    /**
     * A REST write; {@code device} names the device it is about when the path does (else the token's). A
     * service token names the user in the body or as {@code ?user_id=}.
     */
    private void write(Context ctx, Writes.Kind kind, ObjectNode body, String device) {
        JwtTokens.Principal principal = authenticate(ctx);
        if (!body.has("user_id") && ctx.queryParam("user_id") != null) {
            body.put("user_id", ctx.queryParam("user_id"));
        }
        String key = ctx.header(IDEMPOTENCY_KEY);
        if (key != null) {
            // A retried request repeats its key: the topology's duplicate window drops the repeat (§12).
            if (key.isEmpty() || key.length() > EventParser.MAX_MESSAGE_ID || !Unicode.isValid(key)
                    || key.chars().anyMatch(Character::isISOControl)) {
                throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_field", "'" + IDEMPOTENCY_KEY + "' must be 1-"
                        + EventParser.MAX_MESSAGE_ID + " printable characters");
            }
            body.put("message_id", key);
        }
        json(ctx.status(HttpStatus.ACCEPTED), write(principal, kind, body, ctx.header("Authorization"), device));
    }

    /**
     * One write of any channel (REST or WebSocket): validate, stamp, produce; the answer's {@code hlc},
     * {@code unique_tag}, {@code token}. The record produced is checked byte for byte by the parser the
     * topology runs, after everything the service adds to it, so a write acknowledged here is never
     * refused there (contract §18).
     */
    ObjectNode write(JwtTokens.Principal principal, Writes.Kind kind, JsonNode body, String authorization) {
        return write(principal, kind, body, authorization, null);
    }

    private ObjectNode write(JwtTokens.Principal principal, Writes.Kind kind, JsonNode body, String authorization,
                             String device) {
        String user = writeUser(principal, body);
        limit(principal, user);
        ObjectNode event = Json.object();
        event.put("msg_type", kind.msgType());
        event.put("user_id", user);
        event.put("device_id", device != null ? device : writeDevice(principal, body));
        kind.builder().fill(body, event);
        if (body.has("message_id")) {
            event.set("message_id", body.get("message_id"));
        }
        if (kind == Writes.PROGRESS) {
            lookups.fillDuration(user, principal.service(), event, authorization);
        }
        // A write may carry its own time (§12): an edit a device queued offline keeps it, and loses to
        // what was written elsewhere meanwhile. Else the service's clock stamps it.
        for (String time : List.of("hlc", "timestamp")) {
            if (body.hasNonNull(time)) {
                event.set(time, body.get(time));
            }
        }
        boolean stamped = event.hasNonNull("hlc") || event.hasNonNull("timestamp");
        if (!stamped) {
            event.put("hlc", Long.toString(clock.now()));
        }
        // Parsed once, as the exact record the topology will read (its own time included).
        EventParser.Accepted accepted = accept(event);
        IngestEvent parsed = accepted.event();
        if (stamped) {
            if (clock.isTooFarAhead(parsed.hlc())) {
                throw new ApiException(HttpStatus.BAD_REQUEST, "clock_skew", "'" + (event.hasNonNull("hlc") ? "hlc" : "timestamp")
                        + "': " + clock.skewMessage(parsed.hlc()));
            }
            clock.update(parsed.hlc());
        }
        requireExisting(principal, user, parsed, authorization);
        LogPosition token = sink.write(user, accepted.record());
        String uniqueTag = parsed.payload() instanceof IngestEvent.WatchlistAdd add ? add.uniqueTag() : null;
        return MessageCodec.written(parsed.hlc(), uniqueTag, readTokens.issue(user, token));
    }

    /**
     * A delete, read or dismiss names something the user has (contract §12, §14): else 404, and nothing is
     * produced. One that carries an idempotency key is not checked: its retry, after the first removed the thing,
     * is answered 202 like the first.
     */
    private void requireExisting(JwtTokens.Principal principal, String user, IngestEvent parsed, String authorization) {
        if (parsed.messageId() != null) {
            return;
        }
        if (parsed.payload() instanceof IngestEvent.ProgressRemove remove) {
            lookups.requireProgress(user, principal.service(), remove.contentId(), authorization);
        } else if (parsed.payload() instanceof IngestEvent.DeviceRemove remove) {
            lookups.requireDevice(user, principal.service(), remove.targetDeviceId(), authorization);
        } else if (parsed.payload() instanceof IngestEvent.NotificationMark mark) {
            lookups.requireNotification(user, principal.service(), mark.notificationId(), authorization);
        }
    }

    /** The record as the topology will parse it; refused now, with the reason it would be dead-lettered for. */
    private EventParser.Accepted accept(ObjectNode event) {
        try {
            return parser.accept(event);
        } catch (RejectedException e) {
            if (e.reason() == RejectReason.OVERSIZED) {
                int size = Json.bytes(event).length;
                throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "too_large", "the event this request becomes is "
                        + size + " bytes with what the service adds (msg_type, user_id, device_id, hlc, unique_tag); "
                        + "the limit is " + EventParser.MAX_RECORD_BYTES + " bytes: shorten the request by "
                        + (size - EventParser.MAX_RECORD_BYTES) + " bytes or more");
            }
            throw e;
        }
    }

    private static String writeUser(JwtTokens.Principal principal, JsonNode body) {
        JsonNode u = body.get("user_id");
        return readUser(principal, u == null || u.isNull() ? null : u.asText(null));
    }

    /** A user's writes come from the token's device; a service names the device, else it is {@code service:<sub>}. */
    private static String writeDevice(JwtTokens.Principal principal, JsonNode body) {
        if (!principal.service()) {
            return principal.deviceId();
        }
        JsonNode d = body.get("device_id");
        return d == null || d.isNull() ? "service:" + principal.subject() : d.asText();
    }

    /** A body that may be absent (a heartbeat, a leave, a delete): absent is {@code {}}. */
    static ObjectNode optionalBody(Context ctx) {
        return ctx.bodyAsBytes().length == 0 ? Json.object() : body(ctx);
    }

    private static ObjectNode body(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length > EventParser.MAX_RECORD_BYTES) {
            throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, "too_large", "the body is " + bytes.length
                    + " bytes; the limit is " + EventParser.MAX_RECORD_BYTES);
        }
        JsonNode body;
        try {
            body = Json.parse(bytes);
        } catch (Json.NestingException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_field", e.getMessage());
        } catch (CodecException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_json", e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_json", "the body must be a JSON object");
        }
        return (ObjectNode) body;
    }

    // ---- reads

    private void read(Context ctx, ReadRouter.View view) throws InterruptedException {
        JwtTokens.Principal principal = authenticate(ctx);
        String user = readUser(principal, ctx.queryParam("user_id"));
        limit(principal, user);
        String token = ctx.queryParam("after");
        Optional<LogPosition> after = Optional.empty();
        Optional<String> elsewhere = Optional.empty();
        if (token != null) {
            after = readTokens.verify(user, token);
            if (after.isEmpty()) {
                elsewhere = readTokens.issuedElsewhere(user, token);
                if (elsewhere.isEmpty()) {
                    throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_token",
                            "'after' is not a token this service issued for user " + user);
                }
            }
        }
        Optional<ReadRouter.Forward> forward = ctx.header(OwnerClient.FORWARDED) != null ? Optional.empty()
                : Optional.of(new ReadRouter.Forward(ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString()),
                        ctx.header("Authorization")));
        ReadRouter.Outcome outcome = router.read(user, after, view, forward);
        // A write made in another region (contract §16) is here once replication has carried it: the read answers
        // what this region has, and says so.
        elsewhere.ifPresent(r -> ctx.header(OwnerClient.STALENESS, "stale; 'after' is a write made in region " + r
                + ", shown here once replication has carried it"));
        if (outcome instanceof ReadRouter.Found found) {
            found.staleness().ifPresent(s -> ctx.header(OwnerClient.STALENESS, s));
            json(ctx, found.body());
        } else if (outcome instanceof ReadRouter.Relayed relayed) {
            ctx.status(relayed.status()).contentType("application/json").result(relayed.body());
            relayed.staleness().ifPresent(v -> ctx.header(OwnerClient.STALENESS, v));
            relayed.retryAfter().ifPresent(v -> ctx.header("Retry-After", v));
        } else if (outcome instanceof ReadRouter.Absent absent) {
            throw new ApiException(HttpStatus.NOT_FOUND, "not_found", absent.message());
        } else if (outcome instanceof ReadRouter.NotReady notReady) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, notReady.code(), notReady.message(),
                    notReady.retryAfterSeconds());
        } else if (outcome instanceof ReadRouter.UnknownWrite unknown) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_token", unknown.message());
        }
    }

    /** The changes since a cursor for a WebSocket session ({@link ChangeReads#since}). */
    ObjectNode changesSince(String user, String since, int limit, String bearerToken) throws InterruptedException {
        return changes.since(user, since, limit, bearerToken);
    }

    /** A user's snapshot for a new WebSocket session, from wherever the user's state lives. */
    Optional<String> snapshot(String user, String bearerToken) {
        return router.snapshot(user, bearerToken);
    }

    /** The user a request is about: the token's own, or for a service token the one it names. */
    static String readUser(JwtTokens.Principal principal, String queryUser) {
        if (principal.service()) {
            if (queryUser == null) {
                throw new ApiException(HttpStatus.BAD_REQUEST, "missing_field", "'user_id' is required with a service token");
            }
            if (!Identifiers.isUserId(queryUser)) {
                throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_user_id", "'user_id' must be " + Identifiers.USER_ID_RULE);
            }
            return queryUser;
        }
        if (queryUser != null && !queryUser.equals(principal.subject())) {
            throw new ApiException(HttpStatus.FORBIDDEN, "forbidden", "the token is for another user");
        }
        return principal.subject();
    }

    private static UserStateReader.ProgressFilter progressFilter(String raw) {
        if (raw == null) {
            return UserStateReader.ProgressFilter.ALL;
        }
        return switch (raw) {
            case "in_progress" -> UserStateReader.ProgressFilter.IN_PROGRESS;
            case "completed" -> UserStateReader.ProgressFilter.COMPLETED;
            default -> throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_field",
                    "'filter' must be in_progress or completed");
        };
    }

    // ---- shared

    /** Per user (the one the request is about) and per device (a user token's); 429 beyond either. */
    private void limit(JwtTokens.Principal principal, String user) {
        long wait = perUser.acquire(user);
        if (wait == 0 && !principal.service()) {
            wait = perDevice.acquire(user + "/" + principal.deviceId());
        }
        if (wait > 0) {
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "rate_limited", "too many requests for user " + user
                    + (principal.service() ? "" : " or device " + principal.deviceId()) + "; retry in " + wait + " ms",
                    (int) Math.max(1, (wait + 999) / 1000));
        }
    }

    private JwtTokens.Principal authenticate(Context ctx) {
        return authenticate(ctx.header("Authorization"), null);
    }

    /** The principal of a bearer header, or of a bare token (a browser's WebSocket passes it as {@code ?token=}). */
    JwtTokens.Principal authenticate(String header, String bareToken) {
        if (header == null && bareToken != null) {
            return tokens.verify(bareToken);
        }
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new JwtTokens.InvalidTokenException("an 'Authorization: Bearer <token>' header is required");
        }
        return tokens.verify(header.substring(7).trim());
    }

    /** Straight to UTF-8 bytes: a String first would copy a large answer twice more. */
    private static void json(Context ctx, JsonNode body) {
        ctx.contentType("application/json").result(Json.bytes(body));
    }

    /** A failure with its HTTP status and error code. */
    static final class ApiException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final HttpStatus status;
        final String code;
        final int retryAfterSeconds;

        ApiException(HttpStatus status, String code, String message) {
            this(status, code, message, 0);
        }

        ApiException(HttpStatus status, String code, String message, int retryAfterSeconds) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
            this.retryAfterSeconds = retryAfterSeconds;
        }
    }
}
