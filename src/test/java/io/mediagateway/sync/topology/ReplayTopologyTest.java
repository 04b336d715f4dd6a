package io.mediagateway.sync.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.deadletter.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The event log is the source of truth: processing the same log again, in a fresh application a day
 * later, rebuilds identical stores and the same deltas under the same ids.
 */
class ReplayTopologyTest {
    private static final long STEP_MS = 200;
    private static final List<String> KV_STORES = List.of(SyncStores.WATCHLIST, SyncStores.PROGRESS,
            SyncStores.PREFERENCES, SyncStores.DEVICES, SyncStores.NOW_PLAYING, SyncStores.PRESENCE_INDEX, SyncStores.CLOCK);

    private record Run(Map<String, Map<String, String>> stores, Map<String, JsonNode> deltas, List<String> deadLetters) {
    }

    /** Feeds the log; the wall clock moves one step per record from {@code wallStart}; records keep their own times. */
    private static Run run(List<Workload.Event> log, String applicationId, Instant wallStart) {
        return run(log, applicationId, wallStart, SyncTopology.Settings.defaults());
    }

    private static Run run(List<Workload.Event> log, String applicationId, Instant wallStart,
                           SyncTopology.Settings settings) {
        try (TopologyFixture t = new TopologyFixture(settings, applicationId, wallStart)) {
            Map<String, JsonNode> deltas = new LinkedHashMap<>();
            List<String> dead = new java.util.ArrayList<>();
            long previous = 0;
            for (Workload.Event e : log) {
                t.advance(Duration.ofMillis(e.atMs() - previous));
                previous = e.atMs();
                t.sendRaw(e.user().getBytes(StandardCharsets.UTF_8), e.value(), new RecordHeaders(),
                        TopologyFixture.START.plusMillis(e.atMs()));
                collect(t, deltas, dead);
            }
            t.advance(Duration.ofMinutes(3));
            collect(t, deltas, dead);
            Map<String, Map<String, String>> stores = new LinkedHashMap<>();
            KV_STORES.forEach(name -> stores.put(name, t.dump(name)));
            return new Run(stores, deltas, dead);
        }
    }

    private static void collect(TopologyFixture t, Map<String, JsonNode> deltas, List<String> dead) {
        for (JsonNode d : t.deltas()) {
            JsonNode previous = deltas.put(d.path("delta_id").asText(), d);
            assertThat(previous).as("delta_id %s emitted twice", d.path("delta_id").asText()).isNull();
        }
        for (TestRecord<byte[], byte[]> r : t.deadLetters()) {
            dead.add(TopologyFixture.header(r, DeadLetters.SOURCE_OFFSET) + ":" + TopologyFixture.header(r, DeadLetters.REASON));
        }
    }

    @Test
    void aReplayADayLaterRebuildsTheSameStoresAndDeltas() {
        List<Workload.Event> log = Workload.generate(42, TopologyFixture.START.toEpochMilli(), 40, 3000, STEP_MS,
                Workload.Mix.ALL);
        Run live = run(log, "live", TopologyFixture.START);
        Run replay = run(log, "replay", TopologyFixture.START.plus(Duration.ofDays(1)));

        assertThat(live.deltas()).hasSizeGreaterThan(1000);
        assertThat(live.deadLetters()).isNotEmpty();
        assertThat(live.deltas().keySet()).anyMatch(id -> id.startsWith("timeout:"));
        assertThat(replay.stores()).isEqualTo(live.stores());
        assertThat(replay.deadLetters()).isEqualTo(live.deadLetters());
        // The same deltas under the same ids; a presence timeout may be noticed a moment earlier or later
        // (by the sweep, or at the device's next event), so the order may differ around it.
        assertThat(replay.deltas().keySet()).containsExactlyInAnyOrderElementsOf(live.deltas().keySet());
        int commands = 0;
        for (var entry : live.deltas().entrySet()) {
            // A cursor numbers a user's changes in the order they were found, and that order may differ
            // around a timeout (above): cursors are compared by CatchUpTest, not here.
            JsonNode original = withoutCursor(entry.getValue());
            JsonNode replayed = withoutCursor(replay.deltas().get(entry.getKey()));
            String type = original.path("msg_type").asText();
            if (type.equals("remote_command") || type.equals("command_rejected")) {
                // Commands are judged by the wall clock: replayed a day later they have expired, and are
                // never sent to a device again. Everything else about them is the same.
                commands++;
                assertThat(replayed.path("reason").asText()).isEqualTo("expired");
                assertThat(withoutOutcome(replayed)).isEqualTo(withoutOutcome(original));
            } else {
                assertThat(replayed).as("delta %s", entry.getKey()).isEqualTo(original);
            }
        }
        assertThat(commands).isPositive();
    }

    private static JsonNode withoutCursor(JsonNode delta) {
        ObjectNode copy = delta.deepCopy();
        copy.remove("cursor");
        return copy;
    }

    @Test
    void aResetApplicationRebuildsIdenticallyUnderTheSameClock() {
        List<Workload.Event> log = Workload.generate(7, TopologyFixture.START.toEpochMilli(), 25, 2000, STEP_MS,
                Workload.Mix.ALL);
        Run first = run(log, "reset", TopologyFixture.START);
        // the same application id, its state gone: the same stores and deltas, cursors included
        Run again = run(log, "reset", TopologyFixture.START);
        assertThat(again).isEqualTo(first);
    }

    @Test
    void aSilencedReplayBuildsTheSameStoresAndWritesNothing() {
        List<Workload.Event> log = Workload.generate(11, TopologyFixture.START.toEpochMilli(), 25, 2000, STEP_MS,
                Workload.Mix.ALL);
        Run live = run(log, "live", TopologyFixture.START);
        Run silent = run(log, "silent", TopologyFixture.START, SyncTopology.Settings.defaults().silenced());
        assertThat(live.deltas()).isNotEmpty();
        assertThat(live.deadLetters()).isNotEmpty();
        assertThat(silent.stores()).isEqualTo(live.stores());
        assertThat(silent.deltas()).isEmpty();
        assertThat(silent.deadLetters()).isEmpty();
    }

    private static JsonNode withoutOutcome(JsonNode delta) {
        ObjectNode copy = delta.deepCopy();
        copy.remove("msg_type");
        copy.remove("reason");
        return copy;
    }
}
