package io.mediagateway.sync.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.ingest.BroadcastParser;
import io.mediagateway.sync.ingest.NotificationParser;
import io.mediagateway.sync.model.Broadcast;
import io.mediagateway.sync.model.Notification;
import io.mediagateway.sync.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's backend: what it sends is accepted by the real parsers, and its script holds. */
class DemoBackendTest {
    private static final long T0 = 1_795_000_000_000L;

    @Test
    void eachUserGetsAnExpiringAnUrgentAndARecommendationAndAnAnnouncementGoesOutEveryFewMinutes() {
        DemoBackend backend = new DemoBackend(new DemoBackend.Settings(List.of("alice", "bob"), Duration.ofMinutes(3),
                Duration.ofSeconds(90)));
        List<Notification> notifications = new ArrayList<>();
        List<Broadcast> broadcasts = new ArrayList<>();
        for (long t = T0; t <= T0 + 10 * 60_000; t += 1000) {
            for (DemoBackend.Message m : backend.tick(t)) {
                byte[] value = m.value().getBytes(StandardCharsets.UTF_8);
                if (m.topic().equals(Topics.NOTIFICATIONS.name())) {
                    notifications.add(new NotificationParser().parse(value, m.key(), t));
                } else {
                    assertThat(m.topic()).isEqualTo(Topics.BROADCASTS.name());
                    broadcasts.add(new BroadcastParser().parse(value, m.key()));
                }
            }
        }
        for (String user : List.of("alice", "bob")) {
            List<Notification> mine = notifications.stream().filter(n -> n.userId().equals(user)).toList();
            assertThat(mine).anySatisfy(n -> assertThat(n.expiresAtMs()).isEqualTo(T0 + 120_000));
            assertThat(mine).anySatisfy(n -> assertThat(n.priority()).isEqualTo(Notification.Priority.URGENT));
            assertThat(mine.stream().filter(n -> n.type() == Notification.Type.NEW_RECOMMENDATION)).hasSize(1 + 6);
        }
        assertThat(notifications).extracting(Notification::id).doesNotHaveDuplicates();
        assertThat(broadcasts.stream().filter(b -> b.channel().name().equals("global.announcements"))).hasSize(4);
        assertThat(broadcasts.stream().filter(b -> b.channel().name().equals("region." + DemoBackend.REGION + ".updates")))
                .as("half-way between announcements: 1.5, 4.5 and 7.5 minutes in").hasSize(3);
    }
}
