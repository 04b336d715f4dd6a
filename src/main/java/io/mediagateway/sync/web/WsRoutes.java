package io.mediagateway.sync.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.HttpStatus;
import io.javalin.websocket.WsContext;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.codec.Json.CodecException;
import io.mediagateway.sync.codec.MessageCodec;
import io.mediagateway.sync.model.BroadcastChannel;
import io.mediagateway.sync.model.ChangeCursor;
import io.mediagateway.sync.model.Unicode;
import io.mediagateway.sync.query.ChangeHistory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /ws} (contract §7): authenticated by the {@code Authorization} header or {@code ?token=};
 * a snapshot on connect, then every delta of the user as it is committed (delivered by the fan-out of
 * {@code sync.state-deltas} through {@link WsSessions}); inbound writes answered {@code ack} or
 * {@code error}; pings every 30 s, and a connection silent for 60 s is closed. A session lasts as long as
 * its token ({@link WsAuth}): {@code {"type":"auth","token":…}} extends it with a fresh one.
 */
public final class WsRoutes {
    private static final Logger log = LoggerFactory.getLogger(WsRoutes.class);
    public static final Duration PING_INTERVAL = Duration.ofSeconds(30);
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    private static final String CLIENT = "sync.client";
    /** The longest string {@code id} a message may carry (it is echoed in the answer). */
    static final int MAX_ID = 128;
    /** Region and platform channels one session may follow. */
    static final int MAX_FOLLOWED = 64;
    private static final String AUTH = "sync.auth";
    /** The most pages of changes a session's catch-up sends before live deltas (500 changes each). */
    static final int MAX_CATCH_UP_PAGES = 20;
    /** The specification's state names (§6.4) and the snapshot's parts they name. */
    private static final Map<String, String> RECONCILABLE = reconcilable();

    private static Map<String, String> reconcilable() {
        Map<String, String> parts = new LinkedHashMap<>(); // in this order in error messages
        parts.put("Watchlist", "watchlist");
        parts.put("WatchProgress", "progress");
        parts.put("Preferences", "preferences");
        parts.put("Devices", "devices");
        return Collections.unmodifiableMap(parts);
    }
    /** Expires and warns sessions whose tokens run out; one daemon thread for every session. */
    private static final ScheduledExecutorService EXPIRIES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ws-token-expiry");
        t.setDaemon(true);
        return t;
    });

    private final ApiRoutes api;
    private final WsSessions sessions;
    private final Duration pingInterval;
    private final Duration idleTimeout;

    public WsRoutes(ApiRoutes api, WsSessions sessions) {
        this(api, sessions, PING_INTERVAL, IDLE_TIMEOUT);
    }

    public WsRoutes(ApiRoutes api, WsSessions sessions, Duration pingInterval, Duration idleTimeout) {
        this.api = api;
        this.sessions = sessions;
        this.pingInterval = pingInterval;
        this.idleTimeout = idleTimeout;
    }

    public void register(JavalinConfig config) {
        config.jetty.modifyWebSocketServletFactory(factory -> factory.setIdleTimeout(idleTimeout));
        config.routes.ws("/ws", ws -> {
            ws.onConnect(this::connect);
            ws.onMessage(ctx -> receive(ctx, ctx.message()));
            ws.onClose(ctx -> {
                disconnect(ctx);
                if (ctx.status() == 1000 || ctx.status() == 1001) {
                    leave(ctx);
                }
            });
            ws.onError(this::disconnect);
        });
    }

    private void connect(WsContext ctx) {
        String header = ctx.header("Authorization");
        String bare = ctx.queryParam("token");
        JwtTokens.Principal principal;
        String user;
        try {
            principal = api.authenticate(header, bare);
            user = ApiRoutes.readUser(principal, ctx.queryParam("user_id"));
        } catch (JwtTokens.InvalidTokenException e) {
            refuse(ctx, "unauthorized", e.getMessage());
            return;
        } catch (ApiRoutes.ApiException e) {
            refuse(ctx, e.code, e.getMessage());
            return;
        }
        String token = header != null ? header.substring(Math.min(7, header.length())).trim() : bare;
        WsAuth[] auth = new WsAuth[1];
        String since = ctx.queryParam("since");
        Supplier<WsClient.Opening> snapshot = () -> snapshotOpening(user, auth[0].bearer(), false);
        WsClient client = new WsClient(user, principal.service() ? null : principal.deviceId(),
                WsClient.Socket.of(ctx.session), since == null ? snapshot : () -> catchUp(user, since, auth[0].bearer()),
                snapshot);
        auth[0] = new WsAuth(EXPIRIES, Clock.systemUTC(), new WsAuth.Listener() {
            @Override
            public void expiring(Instant expiresAt) {
                client.offer(MessageCodec.tokenExpiring(expiresAt));
            }

            @Override
            public void expired(Instant expiresAt) {
                expire(ctx, client, auth[0]);
            }
        }, principal, token);
        ctx.attribute(CLIENT, client);
        ctx.attribute(AUTH, auth[0]);
        sessions.add(client);
        // The token's region: the device follows that region's broadcasts (contract §14).
        if (principal.region() != null) {
            BroadcastChannel.region(principal.region()).ifPresent(c -> sessions.follow(client, c));
        }
        auth[0].start();
        ctx.enableAutomaticPings(pingInterval.toMillis(), TimeUnit.MILLISECONDS);
        client.start();
    }

    private String snapshot(String user, String token) {
        String unavailable = error(null, "unavailable", "the user's state cannot be read right now; connect again shortly");
        try {
            return api.snapshot(user, token).orElse(unavailable);
        } catch (RuntimeException e) {
            log.warn("Snapshot of {} failed: {}", user, e.toString());
            return unavailable;
        }
    }

    /** The snapshot a session opens with (marked {@code reset} when it replaces a catch-up), and its cursor. */
    private WsClient.Opening snapshotOpening(String user, String token, boolean reset) {
        String text = snapshot(user, token);
        JsonNode snapshot = Json.parse(text);
        if (!"snapshot".equals(snapshot.path("type").asText())) {
            return WsClient.Opening.failed(text); // the error saying why it cannot be read now
        }
        if (reset) {
            ((ObjectNode) snapshot).put("reset", true);
            text = Json.string(snapshot);
        }
        return new WsClient.Opening(List.of(text), cursorOf(user, snapshot));
    }

    /**
     * {@code /ws?since=<cursor>} (contract §13): the changes since the cursor, as {@code changes} messages of at
     * most {@link ChangeHistory#MAX_LIMIT} each, or a snapshot with {@code "reset":true} when the cursor is
     * older than the history. A cursor that is not this user's: an {@code invalid_cursor} error, then the reset
     * snapshot. Live deltas queued meanwhile follow, without the ones the catch-up held.
     */
    private WsClient.Opening catchUp(String user, String since, String token) {
        List<String> messages = new ArrayList<>();
        String cursor = since;
        try {
            for (int page = 0; page < MAX_CATCH_UP_PAGES; page++) {
                ObjectNode answer = api.changesSince(user, cursor, ChangeHistory.MAX_LIMIT, token);
                if (answer.path("reset").asBoolean(false)) {
                    ObjectNode snapshot = (ObjectNode) answer.get("snapshot");
                    snapshot.put("reset", true);
                    return new WsClient.Opening(List.of(Json.string(snapshot)), cursorOf(user, snapshot));
                }
                ObjectNode message = Json.object();
                message.put("type", "changes");
                message.set("changes", answer.get("changes"));
                message.set("cursor", answer.get("cursor"));
                message.set("more", answer.get("more"));
                messages.add(Json.string(message));
                cursor = answer.path("cursor").asText();
                if (!answer.path("more").asBoolean(false)) {
                    break;
                }
            }
            return new WsClient.Opening(messages, ChangeCursor.decode(user, cursor).orElse(null));
        } catch (ApiRoutes.ApiException e) {
            if (e.status == HttpStatus.SERVICE_UNAVAILABLE) {
                return WsClient.Opening.failed(error(null, e.code, e.getMessage()));
            }
            WsClient.Opening reset = snapshotOpening(user, token, true);
            List<String> withError = new ArrayList<>();
            withError.add(error(null, e.code, e.getMessage()));
            withError.addAll(reset.messages());
            return new WsClient.Opening(withError, reset.cursor());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return snapshotOpening(user, token, true);
        }
    }

    private static ChangeCursor cursorOf(String user, JsonNode message) {
        return ChangeCursor.decode(user, message.path("cursor").asText(null)).orElse(null);
    }

    /**
     * {@code {"type":"state_reconciliation_request","requested_states":[…]}} (contract §13, the specification's
     * §6.4): the parts asked for ({@code Watchlist}, {@code WatchProgress}, {@code Preferences}, {@code Devices};
     * all when none is named) from a fresh snapshot, with {@code server_timestamp} (µs) and {@code cursor}.
     */
    private String reconcile(String user, String token, JsonNode id, JsonNode requested) {
        List<String> parts = new ArrayList<>();
        if (requested == null || requested.isNull() || (requested.isArray() && requested.isEmpty())) {
            parts.addAll(RECONCILABLE.values());
        } else if (requested.isArray()) {
            for (JsonNode r : requested) {
                String part = r.isTextual() ? RECONCILABLE.get(r.textValue()) : null;
                if (part == null) {
                    String named = r.isTextual() ? "'" + Unicode.shorten(r.textValue(), 64) + "'" : "a " + r.getNodeType();
                    return error(id, "invalid_field", "'requested_states' holds " + named + "; each must be one of "
                            + RECONCILABLE.keySet());
                }
                parts.add(part);
            }
        } else {
            return error(id, "invalid_field", "'requested_states' must be an array of " + RECONCILABLE.keySet());
        }
        String text = snapshot(user, token);
        JsonNode snapshot = Json.parse(text);
        if (!"snapshot".equals(snapshot.path("type").asText())) {
            return text; // the error saying why it cannot be read now
        }
        ObjectNode response = Json.object();
        response.put("type", "state_reconciliation_response");
        if (id != null) {
            response.set("id", id);
        }
        response.put("user_id", user);
        parts.forEach(p -> response.set(p, snapshot.get(p)));
        response.put("server_timestamp", Instant.now().toEpochMilli() * 1000);
        response.set("cursor", snapshot.get("cursor"));
        return Json.string(response);
    }

    /** The token ran out: the client is told why, then the session is closed (1008, {@code token_expired}). */
    private static void expire(WsContext ctx, WsClient client, WsAuth auth) {
        String message = "the session's token expired at " + auth.principal().expiresAt() + "; reconnect with a fresh "
                + "token, or refresh it in time with {\"type\":\"auth\",\"token\":…}";
        client.finish(error(null, "token_expired", message), () -> ctx.closeSession(1008, "token_expired"));
    }

    private static void refuse(WsContext ctx, String code, String message) {
        ctx.send(error(null, code, message));
        ctx.closeSession(1008, code);
    }

    private void disconnect(WsContext ctx) {
        WsClient client = ctx.attribute(CLIENT);
        if (client != null) {
            sessions.remove(client);
        }
        WsAuth auth = ctx.attribute(AUTH);
        if (auth != null) {
            auth.cancel();
        }
    }

    /**
     * A socket the client closed cleanly (1000, 1001) marks its device offline with {@code reason: leave}
     * (contract §12), unless another socket of that device is still open here. A dropped connection leaves
     * the device to its presence timeout.
     */
    private void leave(WsContext ctx) {
        WsClient client = ctx.attribute(CLIENT);
        WsAuth auth = ctx.attribute(AUTH);
        if (client == null || auth == null || client.deviceId == null || sessions.hasDevice(client.userId, client.deviceId)) {
            return;
        }
        try {
            api.write(auth.principal(), Writes.LEAVE, Json.object(), "Bearer " + auth.bearer());
            log.debug("Device {} of user {} closed its socket: leave", client.deviceId, client.userId);
        } catch (RuntimeException e) {
            log.warn("The leave of device {} of user {} after a clean close failed: {}", client.deviceId, client.userId,
                    e.toString());
        }
    }

    private void receive(WsContext ctx, String text) {
        WsClient client = ctx.attribute(CLIENT);
        WsAuth auth = ctx.attribute(AUTH);
        if (client == null || auth == null) {
            return;
        }
        if (auth.expired()) {
            expire(ctx, client, auth);
            return;
        }
        JwtTokens.Principal principal = auth.principal();
        JsonNode message;
        try {
            message = Json.parse(text);
        } catch (Json.NestingException e) {
            client.offer(error(null, "invalid_field", e.getMessage()));
            return;
        } catch (CodecException e) {
            client.offer(error(null, "invalid_json", e.getMessage()));
            return;
        }
        if (!message.isObject()) {
            client.offer(error(null, "invalid_json", "a message must be a JSON object"));
            return;
        }
        JsonNode id = message.get("id");
        if (id != null && !isEchoable(id)) {
            client.offer(error(null, "invalid_field", "'id' must be a number or a string of at most " + MAX_ID
                    + " characters of valid Unicode"));
            return;
        }
        String type = message.path("type").asText("");
        if ("auth".equals(type)) {
            client.offer(refresh(auth, id, message.get("token")));
            return;
        }
        if ("state_reconciliation_request".equals(type)) {
            client.offer(reconcile(client.userId, auth.bearer(), id, message.get("requested_states")));
            return;
        }
        if ("subscribe".equals(type) || "unsubscribe".equals(type)) {
            client.offer(follow(client, id, "subscribe".equals(type), message.get("channels")));
            return;
        }
        Writes.Kind kind = Writes.BY_MESSAGE_TYPE.get(type);
        if (kind == null) {
            client.offer(error(id, "unknown_type", "'type' must be one of " + Writes.messageTypes()
                    + ", state_reconciliation_request, subscribe, unsubscribe or auth"));
            return;
        }
        try {
            client.offer(MessageCodec.ack(id, api.write(principal, kind, message, "Bearer " + auth.bearer())));
            if (kind == Writes.JOIN && message.path("region").isTextual()) {
                // A device_join names the device's region (contract §14): the session follows its broadcasts.
                BroadcastChannel.region(message.get("region").asText()).ifPresent(c -> sessions.follow(client, c));
            }
        } catch (RuntimeException e) {
            Optional<ApiErrors.Mapped> mapped = ApiErrors.of(e);
            if (mapped.isEmpty()) {
                log.error("WebSocket message of user {} failed", client.userId, e);
            }
            client.offer(mapped.map(m -> error(id, m.code(), m.message()))
                    .orElseGet(() -> error(id, "internal", "internal error; see the server log")));
        }
    }

    /**
     * {@code {"type":"subscribe"|"unsubscribe","channels":[…]}} (contract §14): the session follows (or stops
     * following) {@code region.*} and {@code platform.*} channels; answered {@code {"type":"subscribed",
     * "channels":[every channel it follows now]}}, or an error naming the channel at fault (none is changed then).
     */
    private String follow(WsClient client, JsonNode id, boolean subscribe, JsonNode channels) {
        if (channels == null || !channels.isArray() || channels.isEmpty() || channels.size() > MAX_FOLLOWED) {
            return error(id, "invalid_field", "'channels' must be a list of 1-" + MAX_FOLLOWED + " channel names");
        }
        List<BroadcastChannel> asked = new ArrayList<>();
        for (JsonNode c : channels) {
            Optional<BroadcastChannel> channel = c.isTextual() ? BroadcastChannel.parse(c.asText()) : Optional.empty();
            if (channel.isEmpty() || channel.get().global()) {
                String shown = c.toString();
                return error(id, "invalid_field", "'channels' may hold 'region.{code}.updates' and 'platform.{id}.catalog' "
                        + "channels (every session follows global.* already), not "
                        + (shown.length() > 100 ? shown.substring(0, 100) + "…" : shown));
            }
            asked.add(channel.get());
        }
        if (subscribe && client.channels().size() + asked.size() > MAX_FOLLOWED) {
            return error(id, "invalid_field", "a session follows at most " + MAX_FOLLOWED + " channels");
        }
        for (BroadcastChannel c : asked) {
            if (subscribe) {
                sessions.follow(client, c);
            } else {
                sessions.unfollow(client, c.name());
            }
        }
        ObjectNode answer = Json.object().put("type", "subscribed");
        if (id != null) {
            answer.set("id", id);
        }
        ArrayNode list = answer.putArray("channels");
        client.channels().stream().sorted().forEach(list::add);
        return Json.string(answer);
    }

    /** {@code {"type":"auth","token":…}}: the session goes on with a fresh token of the same user and device. */
    private String refresh(WsAuth auth, JsonNode id, JsonNode token) {
        if (token == null || !token.isTextual()) {
            return error(id, "missing_field", "'token' is required: a fresh token of this session's user and device");
        }
        JwtTokens.Principal fresh;
        try {
            fresh = api.authenticate(null, token.textValue());
        } catch (JwtTokens.InvalidTokenException e) {
            return error(id, "unauthorized", e.getMessage() + "; the session keeps its current token");
        }
        if (!auth.refresh(fresh, token.textValue())) {
            return error(id, "forbidden", "the new token is for another user or device than this session's");
        }
        return MessageCodec.authOk(id, fresh.expiresAt());
    }

    /** An {@code id} the answer can carry back as it came: a number, or a short string (never a nested value). */
    private static boolean isEchoable(JsonNode id) {
        return id.isNumber() || (id.isTextual() && id.textValue().length() <= MAX_ID && Unicode.isValid(id.textValue()));
    }

    static String error(JsonNode id, String code, String message) {
        return MessageCodec.wsError(id, code, message);
    }
}
