package io.mediagateway.sync.topology;

import static io.mediagateway.sync.topology.TopologyFixture.command;
import static io.mediagateway.sync.topology.TopologyFixture.event;
import static io.mediagateway.sync.topology.TopologyFixture.join;
import static io.mediagateway.sync.topology.TopologyFixture.progress;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Presence timeouts on the wall clock, remote-command validation in the contract's order, and handoff. */
class PresenceAndCommandTopologyTest {
    private final TopologyFixture t = new TopologyFixture();

    @AfterEach
    void close() {
        t.close();
    }

    private double secondsSinceStart() {
        return Duration.between(TopologyFixture.START, t.now()).toMillis() / 1000.0;
    }

    @Test
    void aDeviceWithoutHeartbeatsTimesOutOnceAndComesBackWithTheNextHeartbeat() {
        t.send("alice", join("tv", "TV", 0, true, true));
        t.send("alice", join("phone", "Phone", 0, false, false));
        t.deltas();
        t.advance(Duration.ofSeconds(30));
        t.send("alice", event("device_heartbeat", "phone", 30));
        t.advance(Duration.ofSeconds(29));
        assertThat(t.deltas()).isEmpty();

        t.advance(Duration.ofSeconds(2));
        List<JsonNode> timedOut = t.deltas();
        assertThat(timedOut).hasSize(1);
        JsonNode d = timedOut.get(0);
        assertThat(d.path("msg_type").asText()).isEqualTo("device_offline");
        assertThat(d.path("reason").asText()).isEqualTo("timeout");
        assertThat(d.path("device_id").asText()).isEqualTo("tv");
        assertThat(d.path("online").asBoolean()).isFalse();
        assertThat(d.path("delta_id").asText()).startsWith("timeout:alice:");

        t.advance(Duration.ofMinutes(5));
        assertThat(t.deltas()).extracting(x -> x.path("device_id").asText()).containsExactly("phone");
        assertThat(t.store(SyncStores.PRESENCE_INDEX).approximateNumEntries()).isZero();

        t.send("alice", event("device_heartbeat", "tv", secondsSinceStart()));
        List<JsonNode> back = t.deltas();
        assertThat(back).extracting(x -> x.path("msg_type").asText()).containsExactly("device_online");
        assertThat(back.get(0).path("platform").asText()).isEqualTo("Tizen");
    }

    @Test
    void theSweepOnlyVisitsDevicesThatAreDue() {
        for (int i = 0; i < 200; i++) {
            t.send("user-" + i, join("tv", "TV", 0, true, true));
        }
        t.deltas();
        t.advance(Duration.ofSeconds(40));
        for (int i = 0; i < 150; i++) {
            t.send("user-" + i, event("device_heartbeat", "tv", 40));
        }
        assertThat(t.store(SyncStores.PRESENCE_INDEX).approximateNumEntries()).isEqualTo(200);
        t.advance(Duration.ofSeconds(21));
        assertThat(t.deltas()).hasSize(50).allSatisfy(d -> assertThat(d.path("reason").asText()).isEqualTo("timeout"));
        assertThat(t.store(SyncStores.PRESENCE_INDEX).approximateNumEntries()).isEqualTo(150);
    }

    @Test
    void aCommandToAnOnlineControllableDeviceIsForwarded() {
        t.send("alice", join("tv", "TV", 0, true, true));
        t.deltas();
        ObjectNode cmd = command("phone", "tv", "VolumeSet", 0.5);
        ((ObjectNode) cmd.path("command").path("params")).put("level", 0.3);
        t.send("alice", cmd);
        JsonNode d = t.deltas().get(0);
        assertThat(d.path("msg_type").asText()).isEqualTo("remote_command");
        assertThat(d.path("device_id").asText()).isEqualTo("phone");
        assertThat(d.path("target_device_id").asText()).isEqualTo("tv");
        assertThat(d.path("command").path("type").asText()).isEqualTo("VolumeSet");
        assertThat(d.path("command").path("params").path("level").asDouble()).isEqualTo(0.3);
        assertThat(d.path("expires_at").asLong()).isEqualTo(TopologyFixture.START.toEpochMilli() * 1000 + 5_500_000);
        assertThat(d.has("reason")).isFalse();
    }

    private String rejection(JsonNode command) {
        t.send("alice", command);
        List<JsonNode> deltas = t.deltas();
        assertThat(deltas).hasSize(1);
        return deltas.get(0).path("msg_type").asText() + ":" + deltas.get(0).path("reason").asText("");
    }

    @Test
    void expiredCommandsAreRejectedFirst() {
        ObjectNode cmd = command("phone", "nobody", "Play", 0);
        cmd.put("expires_at", TopologyFixture.START.toEpochMilli() * 1000 - 1);
        assertThat(rejection(cmd)).isEqualTo("command_rejected:expired");
        t.advance(Duration.ofSeconds(6));
        t.send("alice", join("tv", "TV", 6, true, true));
        t.deltas();
        assertThat(rejection(command("phone", "tv", "Play", 0))).isEqualTo("command_rejected:expired");
    }

    @Test
    void unknownTargetsAreRejected() {
        assertThat(rejection(command("phone", "tv", "Play", 0))).isEqualTo("command_rejected:unknown_device");
    }

    @Test
    void offlineTargetsAreRejectedAfterALeaveOrATimeout() {
        t.send("alice", join("tv", "TV", 0, true, true));
        t.send("alice", event("device_leave", "tv", 1));
        t.deltas();
        assertThat(rejection(command("phone", "tv", "Play", 1))).isEqualTo("command_rejected:device_offline");

    }

    @Test
    void aTargetPastItsTimeoutIsOfflineForCommandsBeforeTheSweepRuns() {
        SyncTopology.Settings d = SyncTopology.Settings.defaults();
        try (TopologyFixture slow = new TopologyFixture(new SyncTopology.Settings(d.inputPartitions(),
                10_000, d.maxClockSkewMs(), d.watchlistPolicy(), d.dedupWindow(), Duration.ofSeconds(50)))) {
            slow.send("alice", join("tv", "TV", 0, true, true));
            slow.advance(Duration.ofSeconds(11));
            assertThat(slow.deltas()).extracting(x -> x.path("msg_type").asText()).containsExactly("device_online");
            slow.send("alice", command("phone", "tv", "Play", 11));
            assertThat(slow.deltas()).extracting(x -> x.path("reason").asText()).containsExactly("device_offline");
        }
    }

    @Test
    void targetsThatCannotBeControlledAreRejected() {
        t.send("alice", join("tv", "TV", 0, false, true));
        t.deltas();
        assertThat(rejection(command("phone", "tv", "Play", 0))).isEqualTo("command_rejected:not_supported");
    }

    @Test
    void seekNeedsCurrentContentOnTheTargetPlayingOrPaused() {
        t.send("alice", join("tv", "TV", 0, true, true));
        t.deltas();
        ObjectNode seek = command("phone", "tv", "Seek", 1);
        ((ObjectNode) seek.path("command").path("params")).put("position_seconds", 42);
        assertThat(rejection(seek)).isEqualTo("command_rejected:no_active_content");

        t.send("alice", progress("tv", "c1", 10, 100, "Playing", 2));
        t.deltas();
        assertThat(rejection(seek.put("hlc", Long.toString(TopologyFixture.hlc(3))))).isEqualTo("remote_command:");

        // contract §4, §11: a paused TV has current content too; only its own stop ends it
        t.send("alice", progress("tv", "c1", 11, 100, "Paused", 4));
        t.deltas();
        assertThat(rejection(seek.put("hlc", Long.toString(TopologyFixture.hlc(5))))).isEqualTo("remote_command:");

        t.send("alice", progress("tv", "c1", 12, 100, "Stopped", 6));
        t.deltas();
        assertThat(rejection(seek.put("hlc", Long.toString(TopologyFixture.hlc(7)))))
                .isEqualTo("command_rejected:no_active_content");
    }

    @Test
    void stopCastNeedsATargetThatCanCast() {
        t.send("alice", join("tv", "TV", 0, true, true));
        t.send("alice", join("speaker", "Desktop", 0, true, false));
        t.deltas();
        assertThat(rejection(command("phone", "tv", "StopCast", 1))).isEqualTo("remote_command:");
        assertThat(rejection(command("phone", "speaker", "StopCast", 2))).isEqualTo("command_rejected:not_supported");
    }

    @Test
    void aTargetWhoseContentAnotherDeviceTookOverIsNotPlaying() {
        t.send("alice", join("tv", "TV", 0, true, true));
        t.send("alice", progress("tv", "c1", 10, 100, "Playing", 1));
        t.send("alice", progress("phone", "c1", 12, 100, "Playing", 2));
        t.deltas();
        ObjectNode seek = command("web", "tv", "Seek", 3);
        ((ObjectNode) seek.path("command").path("params")).put("position_seconds", 42);
        assertThat(rejection(seek)).isEqualTo("command_rejected:no_active_content");
        t.send("alice", progress("tv", "c2", 5, 100, "Playing", 4));
        t.deltas();
        assertThat(rejection(seek.put("hlc", Long.toString(TopologyFixture.hlc(5))))).isEqualTo("remote_command:");
    }

    @Test
    void castToNeedsTheTargetToCast() {
        t.send("alice", join("tv", "TV", 0, true, false));
        t.deltas();
        ObjectNode cast = command("phone", "tv", "CastTo", 1);
        ((ObjectNode) cast.path("command").path("params")).put("target_device_id", "speaker").put("content_id", "c1");
        assertThat(rejection(cast)).isEqualTo("command_rejected:not_supported");
        t.send("alice", join("tv", "TV", 2, true, true));
        t.deltas();
        assertThat(rejection(cast.put("hlc", Long.toString(TopologyFixture.hlc(3))))).isEqualTo("remote_command:");
    }

    @Test
    void rulesApplyInTheContractsOrder() {
        // An unknown target of an expired command: expired wins.
        ObjectNode cmd = command("phone", "ghost", "Seek", 0);
        ((ObjectNode) cmd.path("command").path("params")).put("position_seconds", 1);
        cmd.put("expires_at", 1);
        assertThat(rejection(cmd)).isEqualTo("command_rejected:expired");
        // An offline, non-controllable target: device_offline before not_supported.
        t.send("alice", join("tv", "TV", 0, false, false));
        t.send("alice", event("device_leave", "tv", 1));
        t.deltas();
        assertThat(rejection(command("phone", "tv", "Play", 1))).isEqualTo("command_rejected:device_offline");
    }

    @Test
    void handoffLoadsTheContentAtTheResumePosition() {
        t.send("alice", join("tv", "TV", 0, true, true));
        t.send("alice", progress("phone", "tmdb:550", 1234.5, 8000, "Playing", 1));
        t.send("alice", progress("phone", "done", 7900, 8000, "Stopped", 1));
        t.deltas();
        t.send("alice", event("handoff", "phone", 2).put("target_device_id", "tv").put("content_id", "tmdb:550"));
        t.send("alice", event("handoff", "phone", 3).put("target_device_id", "tv").put("content_id", "done"));
        t.send("alice", event("handoff", "phone", 4).put("target_device_id", "tv").put("content_id", "never-watched"));
        t.send("alice", event("handoff", "phone", 5).put("target_device_id", "car").put("content_id", "tmdb:550"));
        List<JsonNode> deltas = t.deltas();
        assertThat(deltas).extracting(d -> d.path("msg_type").asText())
                .containsExactly("remote_command", "remote_command", "remote_command", "command_rejected");
        JsonNode load = deltas.get(0);
        assertThat(load.path("command").path("type").asText()).isEqualTo("LoadContent");
        assertThat(load.path("command").path("params").path("content_id").asText()).isEqualTo("tmdb:550");
        assertThat(load.path("command").path("params").path("start_position").asDouble()).isEqualTo(1234.5);
        assertThat(load.path("target_device_id").asText()).isEqualTo("tv");
        assertThat(deltas.get(1).path("command").path("params").path("start_position").asDouble()).isZero();
        assertThat(deltas.get(2).path("command").path("params").path("start_position").asDouble()).isZero();
        assertThat(deltas.get(3).path("reason").asText()).isEqualTo("unknown_device");
    }

    @Test
    void aDeviceTimesOutATimeoutAfterItsLastHeartbeatThoughItsIndexEntryStaysBehind() {
        t.send("alice", join("phone", "Phone", 0, false, false));
        t.advance(Duration.ofSeconds(30));
        t.send("alice", event("device_heartbeat", "phone", 30));
        t.advance(Duration.ofSeconds(20));
        t.send("alice", event("device_heartbeat", "phone", 50));
        t.deltas();
        // the entry written at the join comes due at 60 s: the sweep re-keys it, the phone stays online
        t.advance(Duration.ofSeconds(58));                       // 108 s
        assertThat(t.deltas()).isEmpty();
        t.advance(Duration.ofSeconds(3));                        // 111 s: 60 s after the last heartbeat
        assertThat(t.deltas()).extracting(x -> x.path("reason").asText()).containsExactly("timeout");
        assertThat(t.store(SyncStores.PRESENCE_INDEX).approximateNumEntries()).isZero();
    }

    @Test
    void aDeviceBackInTheForegroundTimesOutOnTheForegroundTimeout() {
        t.send("alice", join("phone", "Phone", 0, false, false));
        t.send("alice", event("device_heartbeat", "phone", 0).put("app_state", "background"));   // 10 min allowed
        t.advance(Duration.ofSeconds(10));
        t.send("alice", event("device_heartbeat", "phone", 10));                                 // foreground again
        t.deltas();
        t.advance(Duration.ofSeconds(59));                       // 69 s
        assertThat(t.deltas()).isEmpty();
        t.advance(Duration.ofSeconds(3));                        // 72 s: not the background deadline (600 s)
        assertThat(t.deltas()).extracting(x -> x.path("reason").asText()).containsExactly("timeout");
    }

    @Test
    void aHeartbeatRedeliveredAfterItsDeviceTimedOutDoesNotBringItBack() {
        t.send("alice", join("tv", "TV", 0, true, true));
        t.advance(Duration.ofSeconds(30));
        t.send("alice", event("device_heartbeat", "tv", 30).put("message_id", "hb-30"));
        t.advance(Duration.ofSeconds(95));                       // timed out at 90 s
        assertThat(t.deltas()).extracting(x -> x.path("msg_type").asText()).containsExactly("device_online", "device_offline");

        // when the gateway redelivers the old heartbeat (same message and HLC, a record 95 s later) after the timeout
        t.send("alice", event("device_heartbeat", "tv", 30).put("message_id", "hb-30"));

        // then the TV stays offline: its last presence is the timeout of that very heartbeat
        assertThat(t.deltas()).isEmpty();
    }

    @Test
    void aRepeatedHeartbeatWithoutATimeOfItsOwnIsStillDroppedAsADuplicate() {
        t.send("alice", join("tv", "TV", 0, true, true));
        t.advance(Duration.ofSeconds(30));
        t.send("alice", event("device_heartbeat", "tv").put("message_id", "hb-timeless"));   // stamped at arrival
        t.advance(Duration.ofSeconds(95));
        assertThat(t.deltas()).extracting(x -> x.path("msg_type").asText()).containsExactly("device_online", "device_offline");

        // when it is sent again after the timeout: stamped at arrival it would be a new heartbeat
        t.send("alice", event("device_heartbeat", "tv").put("message_id", "hb-timeless"));

        // then it is recognised by its message id and the TV stays offline
        assertThat(t.deltas()).isEmpty();
    }

    @Test
    void aRepeatedHeartbeatIsAppliedAsOnceWithoutAMessageIdLookup() {
        t.send("alice", join("tv", "TV", 0, true, true));
        t.advance(Duration.ofMinutes(2));
        assertThat(t.deltas()).extracting(x -> x.path("msg_type").asText()).containsExactly("device_online", "device_offline");

        // when the heartbeat that brings the TV back is delivered twice (a gateway's retry)
        double at = secondsSinceStart();
        t.send("alice", event("device_heartbeat", "tv", at).put("message_id", "hb-1"));
        t.send("alice", event("device_heartbeat", "tv", at).put("message_id", "hb-1"));

        // then the TV comes back once, and the heartbeat's id was not kept (no duplicate-window lookup or write)
        assertThat(t.deltas()).extracting(x -> x.path("msg_type").asText()).containsExactly("device_online");
        assertThat(t.dump(SyncStores.MESSAGE_IDS)).isEmpty();
    }

    @Test
    void duplicateCommandsAreForwardedOnce() {
        t.send("alice", join("tv", "TV", 0, true, true));
        t.deltas();
        t.send("alice", command("phone", "tv", "Pause", 1).put("message_id", "cmd-1"));
        t.send("alice", command("phone", "tv", "Pause", 1).put("message_id", "cmd-1"));
        assertThat(t.deltas()).hasSize(1);
    }
}
