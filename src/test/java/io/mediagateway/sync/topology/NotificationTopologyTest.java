package io.mediagateway.sync.topology;

import static io.mediagateway.sync.topology.TopologyFixture.event;
import static io.mediagateway.sync.topology.TopologyFixture.header;
import static io.mediagateway.sync.topology.TopologyFixture.hlc;
import static io.mediagateway.sync.topology.TopologyFixture.notification;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.codec.StateCodec;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.deadletter.DeadLetters;
import io.mediagateway.sync.model.NotificationIndex;
import io.mediagateway.sync.model.NotificationState;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.topology.ingest.NotificationSteps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Notifications in the topology (contract §14): shown once per id, never when expired, read and dismissed as
 * device events that are never undone — whatever the order and repeats of the inputs — and bounded per user.
 */
class NotificationTopologyTest {
    private static final StateCodec CODEC = new StateCodec(OrElement.Policy.DEFAULT);
    private final TopologyFixture f = new TopologyFixture();

    @AfterEach
    void close() {
        f.close();
    }

    private NotificationState stored(String user, String id) {
        Object v = f.store(SyncStores.NOTIFICATIONS).get(UserKeys.key(user, id));
        return v == null ? null : CODEC.decodeNotification((byte[]) v);
    }

    private static ObjectNode mark(String type, String device, String id, double at) {
        return event(type, device, at).put("notification_id", id);
    }

    @Test
    void aNotificationIsShownOnceOnTheUsersNotificationsAndARepeatOfItsIdIsANoOp() {
        ObjectNode n = notification("n-1", "Leaving soon").put("priority", "urgent");
        n.putObject("data").put("content_id", "tmdb:550");
        f.notify("alice", n);
        f.notify("alice", n);
        f.advance(Duration.ofSeconds(1));
        f.notify("alice", notification("n-1", "Another title with the same id"));

        List<JsonNode> deltas = f.deltas();
        assertThat(deltas).hasSize(1);
        JsonNode d = deltas.get(0);
        assertThat(d.get("msg_type").asText()).isEqualTo("notification");
        assertThat(d.get("notification_id").asText()).isEqualTo("n-1");
        assertThat(d.get("title").asText()).isEqualTo("Leaving soon");
        assertThat(d.get("priority").asText()).isEqualTo("urgent");
        assertThat(d.get("data").get("content_id").asText()).isEqualTo("tmdb:550");
        assertThat(d.get("read").asBoolean()).isFalse();
        assertThat(d.get("device_id").asText()).isEqualTo(NotificationSteps.SENDER);
        assertThat(d.get("delta_id").asText()).as("never one of sync.device-events' ids").startsWith("n0-0-");
        assertThat(d.get("cursor").asText()).as("numbered in the user's change history").isNotEmpty();
        assertThat(stored("alice", "n-1").notification().title()).isEqualTo("Leaving soon");
    }

    @Test
    void oneSentWithoutAnIdGetsItsPlaceInTheLogTheSameOnEveryReplay() {
        f.notify("alice", notification(null, "First"));
        f.notify("alice", notification(null, "Second"));
        List<String> ids = f.deltas().stream().map(d -> d.get("notification_id").asText()).toList();
        assertThat(ids).containsExactly("0-0", "0-1");

        try (TopologyFixture again = new TopologyFixture()) {
            again.notify("alice", notification(null, "First"));
            again.notify("alice", notification(null, "Second"));
            assertThat(again.deltas()).extracting(d -> d.get("notification_id").asText()).isEqualTo(ids);
        }
    }

    @Test
    void oneThatExpiredWhileItWaitedInTheLogIsStoredButNeverShown() {
        Instant sent = f.now().minus(Duration.ofHours(2));
        ObjectNode n = notification("late", "Tonight only").put("expires_at", f.now().minus(Duration.ofHours(1)).toString());
        f.notify("alice", Json.bytes(n), sent);

        assertThat(f.deltas()).isEmpty();
        assertThat(f.deadLetters()).isEmpty();
        assertThat(stored("alice", "late")).as("kept, so a repeat of its id stays a no-op").isNotNull();
    }

    @Test
    void badNotificationsAreDeadLetteredWithTheirReasonAndTheirPlaceOnTheNotificationsTopic() {
        // One key per route: "alice" may be well placed or not on the fixture's one partition; these cover both.
        for (String user : List.of("alice", "bob", "carol", "dave")) {
            f.notify(user, notification("x", "Past").put("expires_at", f.now().minusSeconds(1).toString()));
            f.notify(user, notification("y", "Bad type").put("notification_type", "spam"));
        }
        List<TestRecord<byte[], byte[]>> dead = f.deadLetters();
        assertThat(dead).hasSize(8);
        assertThat(dead).allSatisfy(r -> {
            assertThat(header(r, DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.NOTIFICATIONS.name());
            assertThat(header(r, DeadLetters.REASON)).isEqualTo("invalid_field");
        });
        assertThat(dead).extracting(r -> header(r, DeadLetters.MESSAGE))
                .anySatisfy(m -> assertThat(m).contains("expires_at").contains("past"))
                .anySatisfy(m -> assertThat(m).contains("notification_type"));
        assertThat(f.deltas()).isEmpty();
    }

    @Test
    void readAndDismissAreDeviceEventsShownOnceAndNeverUndone() {
        f.notify("alice", notification("n-1", "Leaving soon"));
        f.send("alice", mark("notification_read", "phone", "n-1", 1));
        f.send("alice", mark("notification_read", "tv", "n-1", 2));
        f.send("alice", mark("notification_dismiss", "tv", "n-1", 3));
        f.send("alice", mark("notification_read", "web", "n-1", 4));
        f.send("alice", mark("notification_dismiss", "web", "n-1", 5));

        List<JsonNode> deltas = f.deltas();
        assertThat(deltas).extracting(d -> d.get("msg_type").asText())
                .containsExactly("notification", "notification_read", "notification_dismissed");
        assertThat(deltas.get(1).get("device_id").asText()).isEqualTo("phone");
        assertThat(deltas.get(1).get("notification_id").asText()).isEqualTo("n-1");
        assertThat(deltas.get(2).get("device_id").asText()).isEqualTo("tv");
        NotificationState s = stored("alice", "n-1");
        assertThat(s.read().deviceId()).isEqualTo("phone");
        assertThat(s.dismissed().deviceId()).isEqualTo("tv");
    }

    @Test
    void aReadThatCameFirstMakesTheNotificationArriveRead() {
        f.send("alice", mark("notification_read", "phone", "n-1", 1));
        assertThat(f.deltas()).isEmpty();
        f.notify("alice", notification("n-1", "Leaving soon"));
        List<JsonNode> deltas = f.deltas();
        assertThat(deltas).hasSize(1);
        assertThat(deltas.get(0).get("read").asBoolean()).isTrue();
    }

    /**
     * 300 random histories of one notification (repeated), reads and dismisses from several devices, each fed in a
     * random order with repeats: the stored state is the same as in the reference order, and the devices are shown
     * the notification at most once, a read at most once, a dismiss at most once — nothing after the dismiss. Each
     * history is its own user, so two topologies (the reference order, the shuffled one) hold them all.
     */
    @Test
    void anyOrderWithRepeatsConvergesAndShowsEachChangeAtMostOnce() {
        long base = Long.getLong("properties.seed", 20261206L);
        try (TopologyFixture ref = new TopologyFixture(); TopologyFixture run = new TopologyFixture()) {
            for (int i = 0; i < 300; i++) {
                long seed = base + i;
                String user = "user-" + i;
                Random rnd = new Random(seed);
                List<Consumer<TopologyFixture>> inputs = new ArrayList<>();
                inputs.add(t -> t.notify(user, notification("n-1", "Leaving soon")));
                for (int k = rnd.nextInt(6); k > 0; k--) {
                    String type = rnd.nextBoolean() ? "notification_read" : "notification_dismiss";
                    ObjectNode e = mark(type, "d" + rnd.nextInt(3), "n-1", rnd.nextInt(5));
                    inputs.add(t -> t.send(user, e));
                }
                List<Consumer<TopologyFixture>> delivery = new ArrayList<>(inputs);
                for (int r = rnd.nextInt(4); r > 0; r--) {
                    delivery.add(inputs.get(rnd.nextInt(inputs.size())));
                }
                Collections.shuffle(delivery, rnd);
                inputs.forEach(in -> in.accept(ref));
                delivery.forEach(in -> in.accept(run));
                ref.deltas();

                assertThat(decode(run, user)).as("seed %d", seed).isEqualTo(decode(ref, user));
                List<String> shown = run.deltas().stream().map(d -> d.get("msg_type").asText()).toList();
                assertThat(shown).as("seed %d", seed).doesNotHaveDuplicates();
                int dismissed = shown.indexOf("notification_dismissed");
                if (dismissed >= 0) {
                    assertThat(dismissed).as("seed %d: nothing after the dismiss", seed).isEqualTo(shown.size() - 1);
                }
            }
        }
    }

    private static NotificationState decode(TopologyFixture t, String user) {
        return CODEC.decodeNotification((byte[]) t.store(SyncStores.NOTIFICATIONS).get(UserKeys.key(user, "n-1")));
    }

    @Test
    void aUserKeepsAtMostTheLimitAndTheOldestLeaveWithTheirState() {
        int max = NotificationIndex.Limits.DEFAULT.maxKept();
        for (int i = 0; i < max + 5; i++) {
            f.notify("alice", notification("n-" + i, "Title " + i));
        }
        assertThat(f.deltas()).hasSize(max + 5);
        NotificationIndex index = CODEC.decodeNotificationIndex(
                (byte[]) f.store(SyncStores.NOTIFICATIONS).get(NotificationSteps.indexKey("alice")));
        assertThat(index.size()).isEqualTo(max);
        assertThat(index.entries().get(0).id()).isEqualTo("n-5");
        assertThat(stored("alice", "n-4")).isNull();
        assertThat(stored("alice", "n-5")).isNotNull();
        assertThat(stored("alice", "n-" + (max + 4))).isNotNull();
    }

    @Test
    void aNotificationsHlcFollowsTheTaskClock() {
        f.send("alice", event("preference_update", "phone", 30).put("key", "k").put("value", 1));
        f.notify("alice", notification("n-1", "Leaving soon"));
        List<JsonNode> deltas = f.deltas();
        assertThat(Long.parseLong(deltas.get(1).get("hlc").asText())).isGreaterThan(hlc(30));
    }
}
