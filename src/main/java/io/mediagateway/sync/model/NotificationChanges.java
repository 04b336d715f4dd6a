package io.mediagateway.sync.model;

import java.util.Objects;
import java.util.Optional;

/**
 * What a change of one notification's state shows the user's devices (contract §14): the notification when it
 * first becomes listed (or its content changes while listed), {@code notification_read} the first time a listed
 * one is read, {@code notification_dismissed} the first time a listed one is dismissed; nothing for repeats, for
 * an expired or already dismissed notification, or for a read or dismiss of one not arrived yet (it arrives
 * read, or not at all). Judged at the time it is asked for — the topology asks at its wall clock, so a notification
 * that expired while it waited in the log is stored but never shown. Pure.
 */
public final class NotificationChanges {
    /** What the devices are shown. */
    public enum Shown {
        NOTIFICATION, READ, DISMISSED
    }

    private NotificationChanges() {
    }

    /** What {@code before → after} shows at {@code atMs}, if anything. */
    public static Optional<Shown> shown(NotificationState before, NotificationState after, long atMs) {
        boolean wasListed = before.listedAt(atMs);
        boolean isListed = after.listedAt(atMs);
        if (isListed && (!wasListed || !Objects.equals(before.notification(), after.notification()))) {
            return Optional.of(Shown.NOTIFICATION);
        }
        if (wasListed && !isListed && after.dismissed() != null && before.dismissed() == null) {
            return Optional.of(Shown.DISMISSED);
        }
        if (isListed && after.isRead() && !before.isRead()) {
            return Optional.of(Shown.READ);
        }
        return Optional.empty();
    }
}
