package io.mediagateway.sync.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.deadletter.RejectReason;
import io.mediagateway.sync.ingest.EventParser;
import io.mediagateway.sync.ingest.IngestEvent;
import io.mediagateway.sync.ingest.RejectedException;
import io.mediagateway.sync.model.Identifiers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The simulated gateway: every record it means to be valid is accepted by the real parser, and the script holds. */
class DeviceSimulatorTest {
    private static final long T0 = 1_795_000_000_000L;
    private static final DeviceSimulator.Settings FAST = new DeviceSimulator.Settings(List.of("alice", "bob", "carol"),
            Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(1), 60, Duration.ofSeconds(10),
            Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(2), 42);

    /** Runs the simulation from T0 for {@code seconds}, one tick every 100 ms, with each event's send time. */
    private static List<Sent> run(int seconds) {
        DeviceSimulator simulator = new DeviceSimulator(FAST);
        List<Sent> out = new ArrayList<>();
        for (long t = T0; t <= T0 + seconds * 1000L; t += 100) {
            for (DeviceSimulator.Event e : simulator.tick(t)) {
                out.add(new Sent(t, e));
            }
        }
        return out;
    }

    private record Sent(long atMs, DeviceSimulator.Event event) {
        String type() {
            return field("msg_type");
        }

        String device() {
            return field("device_id");
        }

        /** A field of the value, or "" for the deliberately unparsable record. */
        private String field(String name) {
            try {
                return Json.parse(event.value()).path(name).asText();
            } catch (Json.CodecException notJson) {
                return "";
            }
        }
    }

    /** What the topology checks of a record: its key (a user id), then its value. */
    private static IngestEvent parse(Sent s) {
        if (!Identifiers.isUserId(s.event().key())) {
            throw new RejectedException(RejectReason.INVALID_USER_ID, "bad key");
        }
        return new EventParser().parse(s.event().value().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldJoinATvPhoneAndWebClientPerUserAndHeartbeatThem() {
        List<Sent> sent = run(5);

        Map<String, Set<String>> joined = new HashMap<>();
        for (Sent s : sent) {
            if (s.type().equals("device_join")) {
                joined.computeIfAbsent(s.event().key(), k -> new HashSet<>()).add(s.device());
            }
        }
        assertThat(joined).containsOnlyKeys("alice", "bob", "carol");
        assertThat(joined.get("alice")).containsExactlyInAnyOrder("tv-alice-living-room", "phone-alice", "web-alice");
        long aliceTvBeats = sent.stream().filter(s -> s.type().equals("device_heartbeat")
                && s.device().equals("tv-alice-living-room")).count();
        assertThat(aliceTvBeats).as("a heartbeat a second for 5 s").isBetween(4L, 6L);
        assertThat(sent).anyMatch(s -> s.type().equals("watch_progress_update"))
                .anyMatch(s -> s.type().equals("watchlist_update"))
                .anyMatch(s -> s.type().equals("preference_update"));
    }

    @Test
    void shouldProduceOnlyEventsTheServiceAcceptsExceptTheDeliberatelyBadOnes() {
        List<Sent> sent = run(59);
        List<String> refused = new ArrayList<>();
        for (Sent s : sent) {
            try {
                parse(s);
            } catch (RejectedException e) {
                refused.add(e.reason().code());
            }
        }
        // three rounds of bad records in 60 s (at 0, 20 and 40 s), four reasons each, nothing else refused
        assertThat(refused).hasSize(12);
        assertThat(new HashSet<>(refused)).containsExactlyInAnyOrder("invalid_json", "unknown_msg_type",
                "invalid_field", "invalid_user_id");
        assertThat(sent.stream().map(Sent::type).distinct().toList()).contains("handoff", "remote_command",
                "device_heartbeat", "watch_progress_update");
    }

    @Test
    void shouldSilenceOnePhoneForLongerThanAPresenceTimeoutThenRejoinIt() {
        List<Sent> sent = run(30);
        List<Long> bobPhone = sent.stream().filter(s -> s.device().equals("phone-bob")
                && (s.type().equals("device_heartbeat") || s.type().equals("device_join"))).map(Sent::atMs).toList();

        // silent from 10 s to 15 s of each 15 s cycle: no heartbeat then, a join when it is back
        assertThat(bobPhone).noneMatch(t -> t > T0 + 10_000 && t < T0 + 15_000);
        assertThat(sent).anyMatch(s -> s.device().equals("phone-bob") && s.type().equals("device_join")
                && s.atMs() == T0 + 15_000);
        assertThat(bobPhone).anyMatch(t -> t > T0 + 15_000 && t < T0 + 25_000);
        // and the others keep beating throughout
        assertThat(sent).anyMatch(s -> s.device().equals("phone-alice") && s.type().equals("device_heartbeat")
                && s.atMs() > T0 + 10_000 && s.atMs() < T0 + 15_000);
    }

    @Test
    void shouldPlayForwardAndFinishTitlesAtDemoSpeed() {
        List<Sent> progress = run(200).stream().filter(s -> s.type().equals("watch_progress_update")
                && s.event().key().equals("alice")).toList();

        // 60 content seconds per real second: every title (at most 3 h) finishes within 3 minutes, is stopped
        // at ≥ 97 % and the next one starts (the deliberately negative positions are the bad records)
        List<JsonNode> events = progress.stream().map(s -> Json.parse(s.event().value()))
                .filter(e -> e.path("progress_seconds").asLong() >= 0).toList();
        assertThat(events).anyMatch(e -> e.path("state").asText().equals("Stopped")
                && e.path("progress_seconds").asDouble() >= 0.97 * e.path("duration_seconds").asDouble());
        for (int i = 1; i < events.size(); i++) {
            JsonNode before = events.get(i - 1);
            JsonNode after = events.get(i);
            if (before.path("content_id").equals(after.path("content_id")) && !before.path("state").asText().equals("Stopped")) {
                assertThat(after.path("progress_seconds").asLong()).isGreaterThanOrEqualTo(before.path("progress_seconds").asLong());
            }
        }
    }
}
