package io.mediagateway.sync.bench;

import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.topology.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * B12: heartbeats only — the bulk of a real fleet's traffic, each changing nothing a user sees (the device
 * is online already) — through the full topology against B1's baseline, on one stream thread.
 */
final class B12Heartbeats implements Scenario {
    static final int USERS = 2_000;
    static final String[] DEVICES = {"tv", "phone"};
    private int repetition;

    @Override
    public String id() {
        return "B12";
    }

    @Override
    public String title() {
        return "heartbeats only, full topology vs `groupByKey().count()`, exactly-once";
    }

    @Override
    public String goal() {
        return "measured (issue 22): events/s per stream thread against the baseline";
    }

    @Override
    public String settings(BenchContext ctx) {
        return String.format("%,d devices (%,d users × a TV and a phone) join, then send %,d heartbeats round-robin "
                + "(%.0f %% of the events; timestamps 50 µs apart ending before the pass, each with a `message_id`), "
                + "already on `sync.device-events`; otherwise as B1 (1 stream thread, commit interval %d ms, the two "
                + "alternating which goes first, one unmeasured pass of both first)", USERS * DEVICES.length, USERS,
                B1TopologyVsBaseline.events(ctx) - USERS * DEVICES.length,
                100.0 * (B1TopologyVsBaseline.events(ctx) - USERS * DEVICES.length) / B1TopologyVsBaseline.events(ctx),
                B1TopologyVsBaseline.commitInterval());
    }

    @Override
    public List<String> metrics() {
        return B1TopologyVsBaseline.METRICS;
    }

    @Override
    public Map<String, Double> run(BenchContext ctx) throws Exception {
        return B1TopologyVsBaseline.repetition(ctx, "b12", repetition++, 50_000, B12Heartbeats::heartbeats);
    }

    /** Every device's join, then heartbeats round-robin; the last event's time is now. */
    static List<Workload.Event> heartbeats(int count) {
        long startMicros = System.currentTimeMillis() * 1000 - count * 50L;
        List<Workload.Event> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int device = i % (USERS * DEVICES.length);
            String user = "hb-user-" + device / DEVICES.length;
            String deviceId = DEVICES[device % DEVICES.length];
            var e = Json.object();
            e.put("device_id", deviceId);
            e.put("timestamp", startMicros + i * 50L);
            e.put("message_id", "hb-" + i);
            if (i < USERS * DEVICES.length) {
                e.put("msg_type", "device_join").put("device_type", deviceId.equals("tv") ? "TV" : "Phone")
                        .put("platform", "Android").put("app_version", "2.1");
                e.putObject("capabilities").put("remote_controllable", true);
            } else {
                e.put("msg_type", "device_heartbeat");
            }
            out.add(new Workload.Event(user, Json.bytes(e), i, false));
        }
        return out;
    }

    @Override
    public Verdict verdict(Map<String, Stats> stats) {
        double ratio = stats.get("ratio").median();
        return new Verdict(true, String.format("%,.0f heartbeats/s per stream thread, %.0f %% of the baseline's %,.0f",
                stats.get("topology events/s").median(), ratio * 100, stats.get("baseline events/s").median()));
    }
}
