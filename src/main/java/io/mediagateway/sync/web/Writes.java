package io.mediagateway.sync.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The one table of the writes the API accepts, REST and WebSocket alike: the event each becomes and the
 * fields of the request it carries over. What the service adds itself (user, device, HLC) is added by
 * the one write path ({@link ApiRoutes#write}).
 */
final class Writes {
    /** One kind of write: its event's {@code msg_type}, and how a request's fields fill the event. */
    record Kind(String msgType, EventBuilder builder) {
    }

    /** Copies what a write carries from the request into the event. */
    @FunctionalInterface
    interface EventBuilder {
        void fill(JsonNode body, ObjectNode event);
    }

    static final Kind WATCHLIST = new Kind("watchlist_update", (body, event) -> {
        copy(body, event, "operation", "content_id", "observed_tags", "content_metadata", "unique_tag");
        if ("add".equalsIgnoreCase(body.path("operation").asText()) && !body.hasNonNull("unique_tag")) {
            event.put("unique_tag", UUID.randomUUID().toString());
        }
    });
    static final Kind PROGRESS = new Kind("watch_progress_update", (body, event) -> {
        copy(body, event, "content_id", "position_seconds", "progress_seconds", "duration_seconds", "state",
                "platform_id", "device_type");
        if (!body.hasNonNull("state")) {
            event.put("state", "Paused");
        }
    });
    static final Kind PREFERENCE = new Kind("preference_update", (body, event) -> copy(body, event, "key", "value"));
    static final Kind HEARTBEAT = new Kind("device_heartbeat", Writes::copyDeviceFields);
    static final Kind JOIN = new Kind("device_join", Writes::copyDeviceFields);
    static final Kind LEAVE = new Kind("device_leave", (body, event) -> { });
    static final Kind DEVICE_REMOVE = new Kind("device_remove", (body, event) -> copy(body, event, "target_device_id"));
    static final Kind PROGRESS_REMOVE = new Kind("progress_remove", (body, event) -> copy(body, event, "content_id"));
    static final Kind COMMAND = new Kind("remote_command",
            (body, event) -> copy(body, event, "target_device_id", "command", "expires_at"));
    static final Kind HANDOFF = new Kind("handoff", (body, event) -> copy(body, event, "target_device_id", "content_id"));
    static final Kind NOTIFICATION_READ = new Kind("notification_read", (body, event) -> copy(body, event, "notification_id"));
    static final Kind NOTIFICATION_DISMISS = new Kind("notification_dismiss",
            (body, event) -> copy(body, event, "notification_id"));
    /** {@code DELETE /api/v1/users/{user_id}} (contract §16): the user's erasure, as of the HLC the service stamps it with. */
    static final Kind ERASE = new Kind("user_erase", (body, event) -> { });

    /** REST: {@code POST <path>}. */
    static final Map<String, Kind> BY_PATH = ordered(
            "/api/v1/sync/watchlist", WATCHLIST,
            "/api/v1/sync/progress", PROGRESS,
            "/api/v1/sync/preferences", PREFERENCE,
            "/api/v1/devices/handoff", HANDOFF,
            "/api/v1/devices/command", COMMAND);

    /**
     * WebSocket: a message's {@code type} (contract §7; {@code progress_update} and {@code device_command} are
     * the original README's names, §11).
     */
    static final Map<String, Kind> BY_MESSAGE_TYPE = ordered(
            "watchlist_update", WATCHLIST,
            "progress_update", PROGRESS,
            "watch_progress_update", PROGRESS,
            "preference_update", PREFERENCE,
            "device_join", JOIN,
            "device_heartbeat", HEARTBEAT,
            "device_leave", LEAVE,
            "device_remove", DEVICE_REMOVE,
            "progress_remove", PROGRESS_REMOVE,
            "remote_command", COMMAND,
            "device_command", COMMAND,
            "handoff", HANDOFF,
            "notification_read", NOTIFICATION_READ,
            "notification_dismiss", NOTIFICATION_DISMISS);

    private Writes() {
    }

    /** The message types a WebSocket write may have, for an error that lists them. */
    static List<String> messageTypes() {
        return List.copyOf(BY_MESSAGE_TYPE.keySet());
    }

    /** The fields of {@code device_join} and {@code device_heartbeat} (contract §4, §11, §12). */
    private static void copyDeviceFields(JsonNode body, ObjectNode event) {
        copy(body, event, "device_type", "platform", "capabilities", "app_version", "device_name", "battery_level",
                "network_quality", "last_active", "app_state");
    }

    private static void copy(JsonNode body, ObjectNode event, String... fields) {
        for (String f : fields) {
            if (body.has(f)) {
                event.set(f, body.get(f));
            }
        }
    }

    private static Map<String, Kind> ordered(Object... pairs) {
        Map<String, Kind> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (Kind) pairs[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }
}
