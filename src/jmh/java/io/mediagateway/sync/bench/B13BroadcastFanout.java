package io.mediagateway.sync.bench;

import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.testing.Ports;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * B13: one broadcast's fan-out to 10,000 WebSocket sessions on one instance (contract §14) — the packaged jar in
 * its own JVM with a 1 GiB heap — measured as the sessions see it: from the {@code POST /api/v1/broadcasts} to each
 * session's receipt, and to the last session's. {@value #BROADCASTS} announcements, one at a time, each once every
 * session has the previous one (or after 30 s). Reports the heap the service holds afterwards (after a full GC).
 */
final class B13BroadcastFanout implements Scenario {
    static final int BROADCASTS = 20;
    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

    @Override
    public String id() {
        return "B13";
    }

    @Override
    public String title() {
        return "one broadcast to every WebSocket session of an instance";
    }

    @Override
    public String goal() {
        return "10,000 sessions: p99 ≤ 1 s from the POST to the last session, heap ≤ 1 GiB, none lost";
    }

    @Override
    public String settings(BenchContext ctx) {
        return String.format("`java -Xmx1g -jar target/media-gateway-sync.jar serve` (embedded broker of the harness, "
                + "PostgreSQL and PubNub off, 1 stream thread) and %,d WebSocket clients (java.net.http, in the harness JVM), "
                + "one user each; %d announcements to global.announcements, one after the other, each POSTed with an admin "
                + "token once every session has the previous one", sessions(ctx), BROADCASTS);
    }

    private static int sessions(BenchContext ctx) {
        return ctx.size(10_000, 300);
    }

    @Override
    public List<String> metrics() {
        return List.of("sessions", "lost", "p50 ms", "p99 ms", "last session p50 ms", "last session max ms", "heap MiB");
    }

    @Override
    public Map<String, Double> run(BenchContext ctx) throws Exception {
        int n = sessions(ctx);
        try (BenchContext.Broker broker = ctx.broker("b13")) {
            int port = Ports.free();
            Map<String, String> env = BenchService.env(broker.bootstrap(), ctx.dir("b13-service"), Map.of(
                    "SYNC_PORT", Integer.toString(port), "SYNC_STREAM_THREADS", "1"));
            List<WebSocket> sockets = new ArrayList<>();
            try (ServiceJvm jvm = ServiceJvm.start(env, ctx.dir("b13-log").resolve("service.log"), List.of("-Xmx1g"))) {
                long[][] arrivals = new long[BROADCASTS][n];
                AtomicIntegerArray received = new AtomicIntegerArray(BROADCASTS);
                sockets.addAll(B8WebSockets.connect(HttpClient.newHttpClient(), port, n, "bc-",
                        i -> new Arrivals(i, arrivals, received)));
                String admin = BenchService.TOKENS.forAdmin("bench", Duration.ofHours(1), Instant.now());
                long[] posted = new long[BROADCASTS];
                for (int k = 0; k < BROADCASTS; k++) {
                    posted[k] = System.nanoTime();
                    var answer = Http.call(jvm.base + "/api/v1/broadcasts", admin, "{\"channel\":\"global.announcements\","
                            + "\"msg_type\":\"announcement\",\"text\":\"Scheduled maintenance at 02:00 UTC\",\"seq\":" + k + "}");
                    if (answer.statusCode() != 202) {
                        throw new IllegalStateException("POST /api/v1/broadcasts answered " + answer.statusCode() + ": " + answer.body());
                    }
                    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (received.get(k) < n && System.nanoTime() < until) {
                        Thread.sleep(2);
                    }
                    Thread.sleep(200);
                }
                Percentiles all = new Percentiles();
                double[] last = new double[BROADCASTS];
                int lost = 0;
                for (int k = 0; k < BROADCASTS; k++) {
                    for (int i = 0; i < n; i++) {
                        if (arrivals[k][i] == 0) {
                            lost++;
                        } else {
                            all.add(arrivals[k][i] - posted[k]);
                            last[k] = Math.max(last[k], (arrivals[k][i] - posted[k]) / 1e6);
                        }
                    }
                }
                Arrays.sort(last);
                double heap = B8WebSockets.heapAfterGc(jvm.process, jvm.base);
                return Scenario.sample("sessions", sockets.size(), "lost", lost, "p50 ms", all.ms(0.50),
                        "p99 ms", all.ms(0.99), "last session p50 ms", last[BROADCASTS / 2],
                        "last session max ms", last[BROADCASTS - 1], "heap MiB", heap);
            } finally {
                for (WebSocket ws : sockets) {
                    ws.abort();
                }
            }
        }
    }

    /** Notes when session {@code index} receives each broadcast. */
    private static final class Arrivals extends B8WebSockets.WholeMessages {
        private final int index;
        private final long[][] arrivals;
        private final AtomicIntegerArray received;

        Arrivals(int index, long[][] arrivals, AtomicIntegerArray received) {
            this.index = index;
            this.arrivals = arrivals;
            this.received = received;
        }

        @Override
        void message(CharSequence message, long nanos) {
            Matcher m = SEQ.matcher(message);
            if (message.toString().contains("\"type\":\"broadcast\"") && m.find()) {
                int k = Integer.parseInt(m.group(1));
                if (k < arrivals.length && arrivals[k][index] == 0) {
                    arrivals[k][index] = nanos;
                    received.incrementAndGet(k);
                }
            }
        }
    }

    @Override
    public Verdict verdict(Map<String, Stats> stats) {
        double sessions = stats.get("sessions").median();
        double lost = stats.get("lost").max();
        double p99 = stats.get("p99 ms").median();
        double heap = stats.get("heap MiB").max();
        return new Verdict(sessions >= 10_000 && lost == 0 && p99 <= 1000 && heap <= 1024, String.format(
                "%,.0f sessions, %,.0f lost, p99 %.0f ms to a session, last session %.0f ms (median), heap %.0f MiB",
                sessions, lost, p99, stats.get("last session p50 ms").median(), heap));
    }
}
