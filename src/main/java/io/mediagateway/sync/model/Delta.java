package io.mediagateway.sync.model;

import java.util.List;

/**
 * One state change, as published on {@code sync.state-deltas} (contract §5). Every delta carries the
 * user, the event HLC of the change, the device that made it and a {@code delta_id} that is the
 * same whenever the same input is reprocessed.
 */
public sealed interface Delta {

    String msgType();

    String userId();

    long hlc();

    String deviceId();

    String deltaId();

    /**
     * The user's PubNub channel that carries it (contract §8): {@code user.{id}.sync} for the state a
     * user edits (watchlist, progress, preferences), {@code user.{id}.devices} for devices and commands,
     * {@code user.{id}.notifications} for notifications and their reads and dismisses (§14).
     */
    default String channel() {
        if (this instanceof NotificationShown || this instanceof NotificationStatus) {
            return PubNubAccess.UserChannelKind.NOTIFICATIONS.channel(userId());
        }
        boolean sync = this instanceof Watchlist || this instanceof Progress || this instanceof ProgressRemoved
                || this instanceof Preference || this instanceof UserErased;
        return (sync ? PubNubAccess.UserChannelKind.SYNC : PubNubAccess.UserChannelKind.DEVICES).channel(userId());
    }

    /**
     * A watchlist item's new state: present with its live tags and metadata, or gone. {@code addedTags}
     * are the live tags this change added (or re-stamped), {@code removedTags} those it removed: what a
     * sink needs to apply the change without knowing the state before it, in any replay.
     */
    record Watchlist(String userId, long hlc, String deviceId, String deltaId, String operation, String contentId,
                     List<String> uniqueTags, boolean present, ContentMetadata metadata, List<String> addedTags,
                     List<String> removedTags) implements Delta {
        public Watchlist {
            uniqueTags = uniqueTags.stream().sorted().toList();
            addedTags = addedTags.stream().sorted().toList();
            removedTags = removedTags.stream().sorted().toList();
        }

        @Override
        public String msgType() {
            return "watchlist_update";
        }
    }

    /** The winning progress register of one content. */
    record Progress(String userId, long hlc, String deviceId, String deltaId, String contentId,
                    PlaybackPosition position) implements Delta {
        @Override
        public String msgType() {
            return "watch_progress_update";
        }
    }

    /** A content's progress removed from "continue watching" (contract §12). */
    record ProgressRemoved(String userId, long hlc, String deviceId, String deltaId, String contentId) implements Delta {
        @Override
        public String msgType() {
            return "progress_removed";
        }
    }

    /** The winning value of one preference key. */
    record Preference(String userId, long hlc, String deviceId, String deltaId, String key, PreferenceValue value)
            implements Delta {
        @Override
        public String msgType() {
            return "preference_update";
        }
    }

    /**
     * {@code device_online}, {@code device_offline} (with a reason), {@code device_updated} or
     * {@code device_removed}.
     */
    record Device(String msgType, String userId, long hlc, String deviceId, String deltaId, DeviceInfo info,
                  boolean online, String reason, long lastSeenMs) implements Delta {
    }

    /** {@code remote_command} (forwarded) or {@code command_rejected} (with a reason). */
    record Command(String msgType, String userId, long hlc, String deviceId, String deltaId, String targetDeviceId,
                   CommandType type, PreferenceValue params, long expiresAtMicros, String reason) implements Delta {
    }

    /**
     * A notification shown to the user's devices (contract §14): sent by {@code deviceId} (the sending service),
     * stored at {@code storedAtMs}, {@code read} when a read of it arrived before it.
     */
    record NotificationShown(String userId, long hlc, String deviceId, String deltaId, Notification notification,
                             long storedAtMs, boolean read) implements Delta {
        @Override
        public String msgType() {
            return "notification";
        }
    }

    /** {@code notification_read} or {@code notification_dismissed}: what a device did to a notification. */
    record NotificationStatus(String msgType, String userId, long hlc, String deviceId, String deltaId,
                              String notificationId) implements Delta {
        public static final String READ = "notification_read";
        public static final String DISMISSED = "notification_dismissed";
    }

    /**
     * The user was erased (contract §16): every item, device, notification and change of the user's is gone, and
     * what a device holds of the user is to be dropped. What comes after it is a new beginning.
     */
    record UserErased(String userId, long hlc, String deviceId, String deltaId) implements Delta {
        @Override
        public String msgType() {
            return "user_erased";
        }
    }
}
