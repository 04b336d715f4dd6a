package io.mediagateway.sync.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.crdt.Stamp;
import io.mediagateway.sync.model.NotificationChanges.Shown;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NotificationChangesTest {
    private static final long T = 1_765_000_000_000L;
    private static final Notification LEAVING = new Notification("n-1", "alice", Notification.Type.CONTENT_EXPIRING,
            "Leaving soon", "in 7 days", Notification.Priority.HIGH, T + 60_000, null);
    private static final Stamp PHONE = new Stamp(Hlc.pack(T, 0), "phone");
    private static final Stamp TV = new Stamp(Hlc.pack(T + 1, 0), "tv");

    private static Optional<Shown> shown(NotificationState before, NotificationState after) {
        return NotificationChanges.shown(before, after, T + 10);
    }

    @Test
    void aNewNotificationIsShownOnceThenItsFirstReadAndItsDismiss() {
        NotificationState arrived = NotificationState.EMPTY.arrived(LEAVING, T);
        assertThat(shown(NotificationState.EMPTY, arrived)).contains(Shown.NOTIFICATION);
        assertThat(shown(arrived, arrived.arrived(LEAVING, T + 5))).as("a repeat").isEmpty();
        NotificationState read = arrived.markRead(PHONE);
        assertThat(shown(arrived, read)).contains(Shown.READ);
        assertThat(shown(read, read.markRead(TV))).as("read again").isEmpty();
        NotificationState dismissed = read.dismiss(TV);
        assertThat(shown(read, dismissed)).contains(Shown.DISMISSED);
        assertThat(shown(dismissed, dismissed.markRead(TV))).isEmpty();
        assertThat(shown(dismissed, dismissed.dismiss(PHONE))).isEmpty();
    }

    @Test
    void readsAndDismissesOfANotificationNotArrivedShowNothingAndItArrivesAsTheyLeftIt() {
        NotificationState readFirst = NotificationState.EMPTY.markRead(PHONE);
        assertThat(shown(NotificationState.EMPTY, readFirst)).isEmpty();
        NotificationState arrivedRead = readFirst.arrived(LEAVING, T);
        assertThat(shown(readFirst, arrivedRead)).contains(Shown.NOTIFICATION);
        assertThat(arrivedRead.isRead()).isTrue();

        NotificationState dismissedFirst = NotificationState.EMPTY.dismiss(TV);
        assertThat(shown(NotificationState.EMPTY, dismissedFirst)).isEmpty();
        assertThat(shown(dismissedFirst, dismissedFirst.arrived(LEAVING, T))).as("never listed").isEmpty();
    }

    @Test
    void anExpiredNotificationIsNeverShown() {
        NotificationState arrived = NotificationState.EMPTY.arrived(LEAVING, T);
        assertThat(NotificationChanges.shown(NotificationState.EMPTY, arrived, T + 60_000)).isEmpty();
        assertThat(NotificationChanges.shown(arrived, arrived.markRead(PHONE), T + 60_000)).isEmpty();
    }

    @Test
    void anEarlierArrivalWithOtherContentReplacesWhatIsShown() {
        Notification corrected = new Notification("n-1", "alice", Notification.Type.CONTENT_EXPIRING, "Leaving soon!",
                "in 7 days", Notification.Priority.URGENT, T + 60_000, null);
        NotificationState late = NotificationState.EMPTY.arrived(LEAVING, T + 5);
        NotificationState replaced = late.arrived(corrected, T);
        assertThat(replaced.notification()).isEqualTo(corrected);
        assertThat(shown(late, replaced)).contains(Shown.NOTIFICATION);
    }
}
