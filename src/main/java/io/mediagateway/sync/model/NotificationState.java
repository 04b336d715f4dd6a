package io.mediagateway.sync.model;

import io.mediagateway.sync.crdt.Stamp;
import java.util.Comparator;
import java.util.Objects;

/**
 * What one of a user's notifications is on every device (contract §14): the notification once it arrived, and
 * whether it was read and whether it was dismissed. A join-semilattice, so devices and replays that see the
 * notification, its reads and dismisses in any order, repeated, converge: the notification kept is the one
 * that arrived first (ties broken by its content, so equal inputs give equal states), and a read or a dismiss
 * is never undone — each is the earliest stamp that did it. A read or dismiss may come before its
 * notification (a device that saw it on PubNub before the service stored it): it is kept, and applies when
 * the notification comes.
 *
 * @param notification null until the notification itself arrived
 * @param receivedAtMs when it arrived (its record's time); 0 until it did
 * @param read         the first read, or null
 * @param dismissed    the first dismiss, or null
 */
public record NotificationState(Notification notification, long receivedAtMs, Stamp read, Stamp dismissed) {
    public static final NotificationState EMPTY = new NotificationState(null, 0, null, null);

    private static final Comparator<Notification> CONTENT = Comparator
            .comparing((Notification n) -> n.type().wireName())
            .thenComparing(Notification::title)
            .thenComparing(Notification::body)
            .thenComparing(n -> n.priority().wireName())
            .thenComparing(Notification::expiresAtMs, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Notification::dataJson, Comparator.nullsFirst(Comparator.naturalOrder()));

    public NotificationState {
        if ((notification == null) != (receivedAtMs == 0)) {
            throw new IllegalArgumentException("a notification and its arrival time go together");
        }
    }

    /** The notification arrived at {@code atMs}; a repeat, or one arriving later than the kept one, changes nothing. */
    public NotificationState arrived(Notification n, long atMs) {
        return merge(new NotificationState(Objects.requireNonNull(n, "n"), Math.max(1, atMs), null, null));
    }

    /** A device marked it read. */
    public NotificationState markRead(Stamp stamp) {
        return merge(new NotificationState(null, 0, Objects.requireNonNull(stamp, "stamp"), null));
    }

    /** A device dismissed it. */
    public NotificationState dismiss(Stamp stamp) {
        return merge(new NotificationState(null, 0, null, Objects.requireNonNull(stamp, "stamp")));
    }

    /** The join: commutative, associative, idempotent. */
    public NotificationState merge(NotificationState other) {
        Notification n;
        long at;
        if (other.notification == null || (notification != null && firstArrived(this, other))) {
            n = notification;
            at = receivedAtMs;
        } else {
            n = other.notification;
            at = other.receivedAtMs;
        }
        return new NotificationState(n, at, earliest(read, other.read), earliest(dismissed, other.dismissed));
    }

    private static boolean firstArrived(NotificationState a, NotificationState b) {
        if (a.receivedAtMs != b.receivedAtMs) {
            return a.receivedAtMs < b.receivedAtMs;
        }
        return CONTENT.compare(a.notification, b.notification) <= 0;
    }

    private static Stamp earliest(Stamp a, Stamp b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Whether the user's devices list it at {@code nowMs}: arrived, not dismissed, not expired. */
    public boolean listedAt(long nowMs) {
        return notification != null && dismissed == null && !notification.expiredAt(nowMs);
    }

    public boolean isRead() {
        return read != null;
    }
}
