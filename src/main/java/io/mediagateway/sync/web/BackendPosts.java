package io.mediagateway.sync.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.HttpStatus;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.deadletter.RejectReason;
import io.mediagateway.sync.ingest.BroadcastParser;
import io.mediagateway.sync.ingest.EventParser;
import io.mediagateway.sync.ingest.EventSink;
import io.mediagateway.sync.ingest.NotificationParser;
import io.mediagateway.sync.ingest.RejectedException;
import io.mediagateway.sync.model.Broadcast;
import io.mediagateway.sync.model.BroadcastChannel;
import io.mediagateway.sync.model.Notification;
import io.mediagateway.sync.topics.Topics;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * What backend services post (contract §14): a notification for one user ({@code POST /api/v1/notifications},
 * to {@code sync.notifications} keyed by the user) and a broadcast ({@code POST /api/v1/broadcasts}, to
 * {@code sync.broadcasts} keyed by the channel). Each is checked by the parser the consumer of its topic runs,
 * on the exact record produced — stamped with the time it was checked at, which the consumer judges its expiry
 * by — so nothing answered 202 is dead-lettered later (contract §18).
 */
final class BackendPosts {
    private final EventSink sink;
    private final LongSupplier wallClockMs;
    private final NotificationParser notifications = new NotificationParser();
    private final BroadcastParser broadcasts = new BroadcastParser();

    BackendPosts(EventSink sink, LongSupplier wallClockMs) {
        this.sink = sink;
        this.wallClockMs = wallClockMs;
    }

    /** A notification; one without {@code notification_id} gets a fresh one, so a retry can name it. */
    ObjectNode notification(JwtTokens.Principal principal, ObjectNode body) {
        if (!principal.service()) {
            throw new ApiRoutes.ApiException(HttpStatus.FORBIDDEN, "forbidden", "notifications are sent by backend "
                    + "services: a token with role 'service' or 'admin' is required");
        }
        if (!body.hasNonNull("notification_id")) {
            body.put("notification_id", UUID.randomUUID().toString());
        }
        long now = wallClockMs.getAsLong();
        byte[] record = sized(body, EventParser.MAX_RECORD_BYTES);
        Notification n = refusedAsRequest(() -> notifications.parse(record, null, now));
        sink.write(Topics.NOTIFICATIONS.name(), n.userId(), record, now);
        return Json.object().put("notification_id", n.id()).put("user_id", n.userId());
    }

    /** A broadcast, when the caller's role may post to its channel. */
    ObjectNode broadcast(JwtTokens.Principal principal, ObjectNode body) {
        if (!principal.service()) {
            throw new ApiRoutes.ApiException(HttpStatus.FORBIDDEN, "forbidden", "broadcasts are posted by backend "
                    + "services: a token with role 'admin' (any channel) or 'service' (region.*, platform.*) is required");
        }
        byte[] record = sized(body, BroadcastParser.MAX_MESSAGE_BYTES);
        Broadcast b = refusedAsRequest(() -> broadcasts.parse(record, null));
        BroadcastChannel.Role role = principal.role() == JwtTokens.Role.ADMIN ? BroadcastChannel.Role.ADMIN
                : BroadcastChannel.Role.SERVICE;
        if (!b.channel().postableBy(role)) {
            String holder = principal.role().name().toLowerCase(java.util.Locale.ROOT);
            throw new ApiRoutes.ApiException(HttpStatus.FORBIDDEN, "forbidden", "a " + holder + " token may not post to '"
                    + b.channel().name() + "': " + BroadcastChannel.ANNOUNCEMENTS + " takes an admin token");
        }
        sink.write(Topics.BROADCASTS.name(), b.channel().name(), record, wallClockMs.getAsLong());
        return Json.object().put("channel", b.channel().name()).put("msg_type", b.msgType());
    }

    private static byte[] sized(ObjectNode body, int limit) {
        byte[] record = Json.bytes(body);
        if (record.length > limit) {
            throw new ApiRoutes.ApiException(HttpStatus.CONTENT_TOO_LARGE, "too_large", "the record this request becomes is "
                    + record.length + " bytes; the limit is " + limit);
        }
        return record;
    }

    /** The parser's refusal: 413 for a size, else the 400 of its reason. */
    private static <T> T refusedAsRequest(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (RejectedException e) {
            if (e.reason() == RejectReason.OVERSIZED) {
                throw new ApiRoutes.ApiException(HttpStatus.CONTENT_TOO_LARGE, "too_large", e.getMessage());
            }
            throw e;
        }
    }
}
