package io.mediagateway.sync.ingest;

import io.mediagateway.sync.model.CommandType;
import io.mediagateway.sync.model.ContentMetadata;
import io.mediagateway.sync.model.DeviceInfo;
import io.mediagateway.sync.model.PlaybackPosition;
import io.mediagateway.sync.model.PreferenceValue;
import java.util.List;
import java.util.Objects;

/**
 * One validated event of {@code sync.device-events} (contract §4): the common fields and what it asks for.
 *
 * @param hlc       the event HLC from {@code hlc} or {@code timestamp}, or {@link #NO_HLC} when the service assigns it
 * @param messageId optional; a repeated one for the same user is a no-op
 * @param userId    the body's {@code user_id}, if it has one (it must equal the record key)
 */
public record IngestEvent(String msgType, String deviceId, long hlc, String messageId, String userId, Payload payload) {

    public static final long NO_HLC = -1L;

    public IngestEvent {
        Objects.requireNonNull(msgType, "msgType");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(payload, "payload");
    }

    public boolean hasHlc() {
        return hlc != NO_HLC;
    }

    /** What the event asks for. */
    public sealed interface Payload {
    }

    /** {@code watchlist_update} Add; {@code uniqueTag} null = generate one. */
    public record WatchlistAdd(String contentId, String uniqueTag, ContentMetadata metadata) implements Payload {
    }

    /** {@code watchlist_update} Remove; {@code observedTags} null = every tag the server holds. */
    public record WatchlistRemove(String contentId, List<String> observedTags) implements Payload {
    }

    /** {@code watch_progress_update}. */
    public record ProgressWrite(String contentId, PlaybackPosition position) implements Payload {
    }

    /** {@code preference_update}. */
    public record PreferenceWrite(String key, PreferenceValue value) implements Payload {
    }

    /**
     * {@code device_join} or {@code device_heartbeat}; {@code info} null when the heartbeat carries no description;
     * {@code background} when it says {@code "app_state":"background"}.
     */
    public record DeviceSeen(DeviceInfo info, boolean background) implements Payload {
    }

    /** {@code progress_remove}: "remove from continue watching". */
    public record ProgressRemove(String contentId) implements Payload {
    }

    /** {@code device_remove}: forget a device until it joins again. */
    public record DeviceRemove(String targetDeviceId) implements Payload {
    }

    /** {@code device_leave}. */
    public record DeviceLeave() implements Payload {
    }

    /** {@code remote_command}; {@code expiresAtMicros} {@link #NO_HLC} = event time + 5 s. */
    public record RemoteCommand(String targetDeviceId, CommandType type, PreferenceValue params, long expiresAtMicros)
            implements Payload {
    }

    /** {@code handoff}: becomes {@code LoadContent} at the user's resume position. */
    public record Handoff(String targetDeviceId, String contentId) implements Payload {
    }

    /** {@code notification_read} or ({@code dismissed}) {@code notification_dismiss} (contract §14). */
    public record NotificationMark(String notificationId, boolean dismissed) implements Payload {
    }

    /**
     * {@code user_erase} (contract §16): everything held of the user goes, and no event of the user's at or before
     * this one's HLC is taken afterwards.
     */
    public record UserErase() implements Payload {
    }
}
