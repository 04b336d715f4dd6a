package io.mediagateway.sync.bench;

import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.testing.Ports;
import io.mediagateway.sync.testing.PubNubStandIn;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * B15: events per second from PubNub into the state (contract §15) — the packaged jar in its own JVM with
 * {@code SYNC_PUBNUB_INGRESS=on}, subscribed through the official SDK to {@link PubNubStandIn} on loopback. Messages as
 * devices publish them (progress updates on {@code user.{id}.sync}) are put in the stand-in as fast as it takes them;
 * the rate is the messages divided by the time from the first to the last of their deltas on
 * {@code sync.state-deltas}: subscription, validation, the Kafka transaction, the topology. A warm-up batch first.
 */
final class B15PubNubIngress implements Scenario {

    @Override
    public String id() {
        return "B15";
    }

    @Override
    public String title() {
        return "events from PubNub (ingress) to the state on one instance";
    }

    @Override
    public String goal() {
        return "reported (no goal set)";
    }

    @Override
    public String settings(BenchContext ctx) {
        return String.format("`java -Xmx1g -jar target/media-gateway-sync.jar serve` (2 stream threads, PostgreSQL off, ingress on, "
                + "the PubNub egress on as in production: each delta goes back to the stand-in and comes in again as the "
                + "service's own, passed over; messages unencrypted); %,d progress messages over %,d users' `user.{id}.sync` "
                + "channels, after a warm-up of a fifth as many; before them, 20 lone messages 500 ms apart on the quiet service "
                + "(from the put in the stand-in to the delta)", messages(ctx), users(ctx));
    }

    private static int messages(BenchContext ctx) {
        return ctx.size(50_000, 3_000);
    }

    private static int users(BenchContext ctx) {
        return ctx.size(1_000, 50);
    }

    @Override
    public List<String> metrics() {
        return List.of("events/s", "lost", "service CPU µs/event", "quiet publish→delta p50 ms",
                "quiet publish→delta max ms");
    }

    @Override
    public Map<String, Double> run(BenchContext ctx) throws Exception {
        int n = messages(ctx);
        int users = users(ctx);
        try (BenchContext.Broker broker = ctx.broker("b15"); PubNubStandIn pubnub = PubNubStandIn.start()) {
            int port = Ports.free();
            Map<String, String> env = BenchService.env(broker.bootstrap(), ctx.dir("b15-service"), Map.of(
                    "SYNC_PORT", Integer.toString(port), "SYNC_STREAM_THREADS", "2",
                    "PUBNUB_PUBLISH_KEY", "pub-key", "PUBNUB_SUBSCRIBE_KEY", "sub-key", "PUBNUB_ORIGIN", pubnub.origin(),
                    "PUBNUB_SECURE", "false", "SYNC_PUBNUB_INGRESS", "on"));
            try (ServiceJvm jvm = ServiceJvm.start(env, ctx.dir("b15-log").resolve("service.log"), List.of("-Xmx1g"));
                 DeltaCounter deltas = new DeltaCounter(broker.bootstrap(), "watch_progress_update")) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (Http.get(jvm.base + "/metrics").body().lines()
                        .noneMatch(l -> l.startsWith("sync_pubnub_ingress_subscriber") && l.endsWith(" 1.0"))) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the service did not subscribe to PubNub within 60 s");
                    }
                    Thread.sleep(100);
                }
                Thread.sleep(2_000);   // the subscription's first (handshake) request
                // A quiet service first: one message at a time, 500 ms apart, from the put to its delta.
                List<Double> quiet = new java.util.ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    int before = deltas.count.get();
                    long t0 = System.nanoTime();
                    inject(pubnub, 1, 1, "q" + i + "-", deltas, before);
                    quiet.add((deltas.last.get() - t0) / 1e6);
                    Thread.sleep(500);
                }
                inject(pubnub, n / 5, users, "w", deltas, deltas.count.get());
                int before = deltas.count.get();
                long cpuBefore = jvm.cpuNanos();
                long start = System.nanoTime();
                int lost = inject(pubnub, n, users, "m", deltas, before);
                double seconds = (deltas.last.get() - start) / 1e9;
                java.util.Collections.sort(quiet);
                return Scenario.sample("events/s", (n - lost) / seconds, "lost", lost,
                        "service CPU µs/event", (jvm.cpuNanos() - cpuBefore) / 1e3 / n,
                        "quiet publish→delta p50 ms", quiet.get(quiet.size() / 2), "quiet publish→delta max ms",
                        quiet.get(quiet.size() - 1));
            }
        }
    }

    @Override
    public Verdict verdict(Map<String, Stats> stats) {
        double lost = stats.get("lost").max();
        return new Verdict(lost == 0, String.format("%,.0f events/s from PubNub to the state, %,.0f µs of service CPU each; "
                        + "a lone message on a quiet service %,.0f ms to its delta (p50)%s",
                stats.get("events/s").median(), stats.get("service CPU µs/event").median(),
                stats.get("quiet publish→delta p50 ms").median(),
                lost == 0 ? "" : "; " + (long) lost + " lost"));
    }

    /** Puts {@code n} progress messages in the stand-in and waits for their deltas; returns how many did not come. */
    private static int inject(PubNubStandIn pubnub, int n, int users, String batch, DeltaCounter deltas, int before)
            throws InterruptedException {
        for (int i = 0; i < n; i++) {
            int user = i % users;
            pubnub.inject("user.in-" + user + ".sync", "{\"msg_type\":\"watch_progress_update\",\"device_id\":\"phone-" + user
                    + "\",\"content_id\":\"tmdb:" + batch + i + "\",\"progress_seconds\":" + (i % 5000) + ",\"duration_seconds\":"
                    + "7200,\"state\":\"Playing\"}", "in-" + user);
        }
        long until = System.nanoTime() + Duration.ofSeconds(300).toNanos();
        while (deltas.count.get() - before < n && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        return n - Math.min(n, deltas.count.get() - before);
    }
}
