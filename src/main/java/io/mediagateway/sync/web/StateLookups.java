package io.mediagateway.sync.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.HttpStatus;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.model.Identifiers;
import io.mediagateway.sync.query.ReadRouter;
import io.mediagateway.sync.query.UserStateReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * What a write needs to know of the user's state before it is produced, read wherever that state lives,
 * as any read is:
 * <ul>
 *   <li>a progress write without {@code duration_seconds} keeps the duration already known for that content
 *   (contract §11: the original README's {@code progress_update} sends only the position); none known:
 *   400 {@code missing_field};</li>
 *   <li>a delete names something the user has (contract §12): progress of that content, a listed device;
 *   else 404.</li>
 * </ul>
 */
final class StateLookups {
    private final ReadRouter router;
    private final UserStateReader reader;
    private final LongSupplier wallClockMs;

    StateLookups(ReadRouter router, UserStateReader reader, LongSupplier wallClockMs) {
        this.router = router;
        this.reader = reader;
        this.wallClockMs = wallClockMs;
    }

    /** Sets the event's {@code duration_seconds} from the known progress, when the request gave none. */
    void fillDuration(String user, boolean service, ObjectNode event, String authorization) {
        if (event.hasNonNull("duration_seconds") || !event.path("content_id").isTextual()
                || !Identifiers.isContentId(event.get("content_id").asText())) {
            return; // given, or the parser will name what is wrong with the content id
        }
        String content = event.get("content_id").asText();
        JsonNode known = progress(user, service, content, authorization, "the known duration of '" + content
                + "'; send duration_seconds or retry").map(p -> p.get("duration_seconds")).orElse(null);
        if (known == null || !known.isNumber()) {
            throw new ApiRoutes.ApiException(HttpStatus.BAD_REQUEST, "missing_field", "'duration_seconds' is required: "
                    + "no duration is known yet for content '" + content + "'");
        }
        event.set("duration_seconds", known);
    }

    /** 404 {@code not_found} unless the user has progress for the content. */
    void requireProgress(String user, boolean service, String content, String authorization) {
        if (progress(user, service, content, authorization, "the progress of '" + content + "'").isEmpty()) {
            throw new ApiRoutes.ApiException(HttpStatus.NOT_FOUND, "not_found", "user " + user
                    + " has no progress for content '" + content + "'");
        }
    }

    /** 404 {@code unknown_device} unless the user's registry lists the device. */
    void requireDevice(String user, boolean service, String deviceId, String authorization) {
        Optional<JsonNode> devices = lookup(user, (stores, u) -> Optional.of(reader.devices(stores, u, wallClockMs.getAsLong())),
                "/api/v1/devices" + (service ? "?user_id=" + user : ""), authorization, "the devices of user " + user);
        boolean listed = devices.map(d -> d.path("devices")).filter(JsonNode::isArray).map(list -> {
            for (JsonNode d : list) {
                if (deviceId.equals(d.path("device_id").asText())) {
                    return true;
                }
            }
            return false;
        }).orElse(false);
        if (!listed) {
            throw new ApiRoutes.ApiException(HttpStatus.NOT_FOUND, "unknown_device", "user " + user
                    + " has no device '" + deviceId + "'");
        }
    }

    /** 404 {@code not_found} unless the user has the notification listed (not dismissed, not expired). */
    void requireNotification(String user, boolean service, String id, String authorization) {
        String path = "/api/v1/notifications/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20")
                + (service ? "?user_id=" + user : "");
        if (lookup(user, (stores, u) -> reader.notification(stores, u, id, wallClockMs.getAsLong()), path, authorization,
                "the notification '" + id + "'").isEmpty()) {
            throw new ApiRoutes.ApiException(HttpStatus.NOT_FOUND, "not_found", "user " + user
                    + " has no notification '" + id + "' listed (never sent, dismissed or expired)");
        }
    }

    private Optional<JsonNode> progress(String user, boolean service, String content, String authorization, String what) {
        String path = "/api/v1/sync/progress/" + URLEncoder.encode(content, StandardCharsets.UTF_8).replace("+", "%20")
                + (service ? "?user_id=" + user : "");
        return lookup(user, (stores, u) -> reader.progressItem(stores, u, content), path, authorization, what);
    }

    /**
     * One read of the user's state, here or at its owner: the answer, empty when absent; 503 when it cannot be
     * read now ({@code what} names it).
     */
    private Optional<JsonNode> lookup(String user, ReadRouter.View view, String path, String authorization, String what) {
        ReadRouter.Outcome outcome;
        try {
            outcome = router.read(user, Optional.empty(), view,
                    Optional.ofNullable(authorization).map(a -> new ReadRouter.Forward(path, a)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiRoutes.ApiException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "interrupted; retry", 1);
        }
        if (outcome instanceof ReadRouter.Found found) {
            return Optional.of(found.body());
        } else if (outcome instanceof ReadRouter.Relayed relayed && relayed.status() == 200) {
            return Optional.of(Json.parse(relayed.body()));
        } else if (outcome instanceof ReadRouter.NotReady notReady) {
            throw new ApiRoutes.ApiException(HttpStatus.SERVICE_UNAVAILABLE, notReady.code(), what + " cannot be read now ("
                    + notReady.message() + ")", notReady.retryAfterSeconds());
        } else if (outcome instanceof ReadRouter.Relayed relayed && relayed.status() != 404) {
            throw new ApiRoutes.ApiException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", what + " cannot be read now (its "
                    + "owner answered " + relayed.status() + ")", 1);
        }
        return Optional.empty();
    }
}
