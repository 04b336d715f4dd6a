package io.mediagateway.sync.bench;

import io.mediagateway.sync.app.SyncConfig;
import io.mediagateway.sync.app.replay.Replay;
import io.mediagateway.sync.topology.Workload;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;

/**
 * B10: the {@code replay} command's machinery over a backlog, for each application — what an operator
 * waits for, start to summary (reset of the target, start-up, processing, the final wait) — beside
 * B1's baseline over the same records on the same broker.
 */
final class B10Replay implements Scenario {
    private int repetition;

    @Override
    public String id() {
        return "B10";
    }

    @Override
    public String title() {
        return "`replay` of a backlog: analytics and serving, start to summary";
    }

    @Override
    public String goal() {
        return "report records/s of each (what the progress bar's ETA is based on)";
    }

    @Override
    public String settings(BenchContext ctx) {
        return String.format("%,d mixed events (as B1) for %,d users on `sync.device-events` (12 partitions); `Replay.run` "
                + "into a new application id from the earliest offset, 1 stream thread, commit interval %d ms, embedded "
                + "broker in the same JVM; records/s = records / the command's whole time (topic reset, start-up, "
                + "processing, the final 2 trending intervals for analytics); processing records/s = from the first commit the "
                + "progress poll (every 250 ms) sees to the last; the two replays and the baseline "
                + "(`groupByKey().count()` from RUNNING, as B1) one after the other, the replays' order alternating",
                events(ctx), B1TopologyVsBaseline.USERS, B1TopologyVsBaseline.commitInterval());
    }

    private static int events(BenchContext ctx) {
        return ctx.size(200_000, 20_000);
    }

    @Override
    public List<String> metrics() {
        return List.of("analytics replay records/s", "analytics processing records/s", "serving replay records/s",
                "serving processing records/s", "baseline events/s");
    }

    @Override
    public Map<String, Double> run(BenchContext ctx) throws Exception {
        int n = events(ctx);
        boolean analyticsFirst = repetition++ % 2 == 0;
        try (BenchContext.Broker broker = ctx.broker("b10"); Admin admin = broker.admin()) {
            B1TopologyVsBaseline.produce(broker, Workload.generate(42, System.currentTimeMillis() - 3_600_000,
                    B1TopologyVsBaseline.USERS, n, 0, new Workload.Mix(false, false, true)));
            Map<String, String> env = new HashMap<>();
            env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrap());
            env.put("SYNC_DATA_DIR", ctx.dir("b10-data").toString());
            env.put("SYNC_PG", "off");
            env.put("SYNC_STREAM_THREADS", "1");
            env.put("SYNC_COMMIT_INTERVAL_MS", Long.toString(B1TopologyVsBaseline.commitInterval()));
            Replay replay = new Replay(SyncConfig.fromEnv(env), broker.bootstrap(), Duration.ofMillis(250));
            Map<String, Double> out = new HashMap<>();
            for (int turn = 0; turn < 2; turn++) {
                boolean doAnalytics = (turn == 0) == analyticsFirst;
                Replay.Application app = doAnalytics ? Replay.Application.ANALYTICS : Replay.Application.SERVING;
                // Processing alone: from the first committed progress to the last (what the bar's rate shows).
                long[] first = {0, 0};
                long[] last = {0, 0};
                Replay.Result r = replay.run(new Replay.Plan(app, "b10-" + app.name().toLowerCase() + "-" + System.nanoTime(),
                        Optional.empty(), Optional.empty()), (done, total) -> {
                            long now = System.nanoTime();
                            if (first[0] == 0 && done > 0) {
                                first[0] = now;
                                first[1] = done;
                            }
                            if (last[1] < done) {
                                last[0] = now;
                                last[1] = done;
                            }
                        });
                if (r.records() != n) {
                    throw new IllegalStateException(app + " replayed " + r.records() + " records of " + n);
                }
                String name = doAnalytics ? "analytics" : "serving";
                out.put(name + " replay records/s", r.rate());
                out.put(name + " processing records/s", last[0] > first[0]
                        ? (last[1] - first[1]) / ((last[0] - first[0]) / 1e9) : Double.NaN);
            }
            double baseline = B1TopologyVsBaseline.consume(ctx, admin, broker.bootstrap(), "b10-baseline", n, true);
            return Scenario.sample("analytics replay records/s", out.get("analytics replay records/s"),
                    "analytics processing records/s", out.get("analytics processing records/s"),
                    "serving replay records/s", out.get("serving replay records/s"),
                    "serving processing records/s", out.get("serving processing records/s"), "baseline events/s", baseline);
        }
    }

    @Override
    public Verdict verdict(Map<String, Stats> stats) {
        return new Verdict(true, String.format("start to summary: analytics %,.0f records/s, serving %,.0f; processing "
                        + "alone: analytics %,.0f, serving %,.0f (baseline %,.0f events/s)",
                stats.get("analytics replay records/s").median(), stats.get("serving replay records/s").median(),
                stats.get("analytics processing records/s").median(), stats.get("serving processing records/s").median(),
                stats.get("baseline events/s").median()));
    }
}
