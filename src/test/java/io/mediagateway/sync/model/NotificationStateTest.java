package io.mediagateway.sync.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.crdt.Stamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The notification state as a CRDT: 1,000 random histories of arrivals (repeated, some with other content),
 * reads and dismisses, delivered in random orders with repeats and split over replicas that merge, all end in
 * the state of the reference order; a read or dismiss is never undone. Seeds from {@code -Dproperties.seed}.
 */
class NotificationStateTest {
    private static final long T = 1_765_000_000_000L;

    private static Notification notification(String title, Long expiresAt) {
        return new Notification("n-1", "alice", Notification.Type.CONTENT_EXPIRING, title, "body",
                Notification.Priority.HIGH, expiresAt, null);
    }

    @Test
    void aReadOrDismissBeforeItsNotificationAppliesWhenItComesAndIsNeverUndone() {
        Stamp read = new Stamp(Hlc.pack(T, 0), "phone");
        NotificationState s = NotificationState.EMPTY.markRead(read);
        assertThat(s.listedAt(T)).isFalse();
        s = s.arrived(notification("Leaving soon", T + 1_000), T - 5);
        assertThat(s.isRead()).isTrue();
        assertThat(s.listedAt(T)).isTrue();
        assertThat(s.listedAt(T + 1_000)).as("expired").isFalse();
        s = s.arrived(notification("Leaving soon", T + 1_000), T + 10); // a repeat
        assertThat(s.receivedAtMs()).isEqualTo(T - 5);
        s = s.dismiss(new Stamp(Hlc.pack(T + 20, 0), "tv"));
        assertThat(s.listedAt(T)).isFalse();
        assertThat(s.markRead(new Stamp(Hlc.pack(T + 30, 0), "web")).read()).isEqualTo(read);
    }

    @Test
    void anyOrderAnyRepeatAnySplitConvergesToTheSameState() {
        long base = Long.getLong("properties.seed", 20261121L);
        for (int i = 0; i < 1_000; i++) {
            long seed = base + i;
            Random rnd = new Random(seed);
            List<UnaryOperator<NotificationState>> ops = new ArrayList<>();
            int n = 1 + rnd.nextInt(8);
            for (int k = 0; k < n; k++) {
                long at = T + rnd.nextInt(5);
                Stamp stamp = new Stamp(Hlc.pack(T + rnd.nextInt(5), rnd.nextInt(3)), "d" + rnd.nextInt(3));
                switch (rnd.nextInt(3)) {
                    case 0 -> {
                        Notification content = notification("title-" + rnd.nextInt(2), rnd.nextBoolean() ? null : T + 100);
                        ops.add(s -> s.arrived(content, at));
                    }
                    case 1 -> ops.add(s -> s.markRead(stamp));
                    default -> ops.add(s -> s.dismiss(stamp));
                }
            }
            NotificationState reference = apply(ops);

            List<UnaryOperator<NotificationState>> delivery = new ArrayList<>(ops);
            for (int r = rnd.nextInt(4); r > 0; r--) {
                delivery.add(ops.get(rnd.nextInt(ops.size())));
            }
            Collections.shuffle(delivery, rnd);
            int split = rnd.nextInt(delivery.size() + 1);
            NotificationState left = apply(delivery.subList(0, split));
            NotificationState right = apply(delivery.subList(split, delivery.size()));

            assertThat(apply(delivery)).as("seed %d", seed).isEqualTo(reference);
            assertThat(left.merge(right)).as("seed %d", seed).isEqualTo(reference);
            assertThat(right.merge(left)).as("seed %d", seed).isEqualTo(reference);
            assertThat(reference.merge(reference)).as("seed %d", seed).isEqualTo(reference);
            // never undone: whatever a prefix read or dismissed stays so
            for (int p = 0; p <= delivery.size(); p++) {
                NotificationState prefix = apply(delivery.subList(0, p));
                if (prefix.isRead()) {
                    assertThat(reference.isRead()).as("seed %d", seed).isTrue();
                }
                if (prefix.dismissed() != null) {
                    assertThat(reference.dismissed()).as("seed %d", seed).isNotNull();
                }
            }
        }
    }

    private static NotificationState apply(List<UnaryOperator<NotificationState>> ops) {
        NotificationState s = NotificationState.EMPTY;
        for (UnaryOperator<NotificationState> op : ops) {
            s = op.apply(s);
        }
        return s;
    }
}
