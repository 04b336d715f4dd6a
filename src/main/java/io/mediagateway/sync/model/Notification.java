package io.mediagateway.sync.model;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A notification a backend service sends one user (contract §14): shown on every device of the user until it
 * expires or the user dismisses it. Immutable; {@code dataJson} is canonical JSON (sorted keys) or null.
 *
 * @param id          the {@code notification_id}: a repeat of the same id is a no-op; null when the sender gave
 *                    none (the topology then derives one from the record's place in the log, so a replay gives
 *                    the same id)
 * @param expiresAtMs when it stops being listed or delivered (epoch ms), or null: never
 */
public record Notification(String id, String userId, Type type, String title, String body, Priority priority,
                           Long expiresAtMs, String dataJson) {

    public static final int MAX_ID = 128;
    public static final int MAX_TITLE = 200;
    public static final int MAX_BODY = 2_000;

    /** The specification's notification types, by their wire names. */
    public enum Type {
        CONTENT_EXPIRING("content_expiring"), NEW_RECOMMENDATION("new_recommendation"), SOCIAL_UPDATE("social_update"),
        PLATFORM_ANNOUNCEMENT("platform_announcement");

        private final String wireName;

        Type(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Optional<Type> parse(String s) {
            return Arrays.stream(values()).filter(t -> t.wireName.equals(s)).findFirst();
        }
    }

    /** How urgent: ordered from {@link #LOW} to {@link #URGENT}. */
    public enum Priority {
        LOW("low"), NORMAL("normal"), HIGH("high"), URGENT("urgent");

        private final String wireName;

        Priority(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Optional<Priority> parse(String s) {
            return Arrays.stream(values()).filter(p -> p.wireName.equals(s)).findFirst();
        }
    }

    public Notification {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(priority, "priority");
    }

    /** The same notification under {@code newId} (one the topology derived for a notification sent without one). */
    public Notification withId(String newId) {
        return new Notification(newId, userId, type, title, body, priority, expiresAtMs, dataJson);
    }

    /** Whether it has expired at {@code nowMs} (an expired notification is neither listed nor delivered). */
    public boolean expiredAt(long nowMs) {
        return expiresAtMs != null && expiresAtMs <= nowMs;
    }
}
