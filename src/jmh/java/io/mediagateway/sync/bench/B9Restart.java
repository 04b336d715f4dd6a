package io.mediagateway.sync.bench;

import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.topics.Topics;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * B9: two instances of one application hold the state of many users; one is replaced (stopped, its
 * state directory deleted, started again with the same instance id, as a pod on a new volume). Measures
 * its time to {@code /ready}, and the reads of random users made through the other instance meanwhile —
 * with one standby replica and without.
 */
final class B9Restart implements Scenario {
    /** Records of lag counted as caught up: one commit marker per changelog partition, 8 stores × 12 partitions × 2 instances. */
    static final long CAUGHT_UP = 8 * 12 * 2;

    @Override
    public String id() {
        return "B9";
    }

    @Override
    public String title() {
        return "restart of an instance holding the state of 1,000,000 users";
    }

    @Override
    public String goal() {
        return "report time to `/ready` with and without a standby; with one, reads keep answering";
    }

    @Override
    public String settings(BenchContext ctx) {
        return String.format("%,d users (one device_join each) over two instances in the harness JVM (1 stream thread each, "
                + "embedded broker); once both are caught up (standbys too), instance A is closed, its state dir deleted and "
                + "it starts again with the same SYNC_INSTANCE_ID; time = its start to its /ready; reads = GET /api/v1/devices "
                + "of random users through instance B, one after another, from A's stop to A's /ready", users(ctx));
    }

    private static int users(BenchContext ctx) {
        return ctx.size(1_000_000, 5_000);
    }

    @Override
    public List<String> metrics() {
        return List.of("ready s (standby)", "failed reads % (standby)", "ready s (no standby)", "failed reads % (no standby)",
                "reads/s (standby)");
    }

    @Override
    public Map<String, Double> run(BenchContext ctx) throws Exception {
        double[] with = restart(ctx, 1);
        double[] without = restart(ctx, 0);
        return Scenario.sample("ready s (standby)", with[0], "failed reads % (standby)", with[1],
                "ready s (no standby)", without[0], "failed reads % (no standby)", without[1], "reads/s (standby)", with[2]);
    }

    /** Seconds to /ready, % of failed reads, reads/s. */
    private static double[] restart(BenchContext ctx, int standbys) throws Exception {
        int users = users(ctx);
        try (BenchContext.Broker broker = ctx.broker("b9-" + standbys); Admin admin = broker.admin()) {
            try (KafkaProducer<String, byte[]> producer = broker.producer()) {
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                for (int u = 0; u < users; u++) {
                    sent.add(BenchContext.send(producer, Topics.DEVICE_EVENTS.name(), "u-" + u, "{\"msg_type\":\"device_join\","
                            + "\"device_id\":\"tv\",\"device_type\":\"TV\",\"platform\":\"Tizen\",\"app_version\":\"5.2.0\","
                            + "\"capabilities\":{\"max_resolution\":\"UHD_4K\",\"remote_controllable\":true}}"));
                    if (sent.size() >= 50_000) {
                        BenchContext.await(sent);
                    }
                }
                BenchContext.await(sent);
            }
            String app = "b9-" + standbys + "-" + System.nanoTime();
            Map<String, String> common = Map.of("SYNC_APPLICATION_ID", app, "SYNC_STANDBY_REPLICAS", Integer.toString(standbys),
                    "SYNC_STREAM_THREADS", "1", "SYNC_PRESENCE_TIMEOUT_MS", Long.toString(Duration.ofDays(1).toMillis()));
            Path dirA = ctx.dir("b9-a");
            BenchService b = null;
            BenchService a = null;
            try {
                a = BenchService.start(env(broker, dirA, "instance-a", common));
                b = BenchService.start(env(broker, ctx.dir("b9-b"), "instance-b", common));
                BenchContext.awaitCommitted(admin, app, Topics.DEVICE_EVENTS.name(), Duration.ofMinutes(30), null);
                awaitCaughtUp(a, b);

                String token = BenchService.TOKENS.forService("bench", Duration.ofHours(2), Instant.now());
                AtomicBoolean reading = new AtomicBoolean(true);
                AtomicLong ok = new AtomicLong();
                AtomicLong failed = new AtomicLong();
                Map<String, Integer> reasons = new java.util.concurrent.ConcurrentHashMap<>();
                String readBase = b.base;
                Thread reader = new Thread(() -> {
                    Random random = new Random(9);
                    while (reading.get()) {
                        try {
                            HttpResponse<String> r = Http.call(readBase + "/api/v1/devices?user_id=u-"
                                    + random.nextInt(users), token, null);
                            boolean good = r.statusCode() == 200 && r.body().contains("\"tv\"");
                            (good ? ok : failed).incrementAndGet();
                            if (!good) {
                                reasons.merge(r.statusCode() + " " + r.body().replaceAll(".*\"message\":\"([^\"]*)\".*", "$1"),
                                        1, Integer::sum);
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                            reasons.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                        }
                    }
                }, "b9-reader");
                long readStart = System.nanoTime();
                reader.start();
                Thread.sleep(500);

                a.close();
                a = null;
                deleteRecursively(dirA);
                long start = System.nanoTime();
                a = BenchService.start(env(broker, ctx.dir("b9-a2"), "instance-a", common));
                double readySeconds = (System.nanoTime() - start) / 1e9;
                reading.set(false);
                reader.join();
                double readSeconds = (System.nanoTime() - readStart) / 1e9;
                long total = ok.get() + failed.get();
                if (!reasons.isEmpty()) {
                    System.out.println("    failed reads (standby " + standbys + "): " + reasons);
                }
                return new double[] {readySeconds, total == 0 ? Double.NaN : 100.0 * failed.get() / total, total / readSeconds};
            } finally {
                if (a != null) {
                    a.close();
                }
                if (b != null) {
                    b.close();
                }
            }
        }
    }

    private static Map<String, String> env(BenchContext.Broker broker, Path dir, String instance, Map<String, String> common) {
        Map<String, String> extra = new java.util.HashMap<>(common);
        extra.put("SYNC_INSTANCE_ID", instance);
        return BenchService.env(broker.bootstrap(), dir, extra);
    }

    /**
     * Until both instances' stores (active and standby) are within a few records of their changelogs: the
     * last offset of an exactly-once changelog is a commit marker a standby never reads, so it does not
     * always reach 0.
     */
    private static void awaitCaughtUp(BenchService a, BenchService b) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        long lastLog = 0;
        while (System.nanoTime() < deadline) {
            long lagA = a.service.localStoreLag();
            long lagB = b.service.localStoreLag();
            if (lagA >= 0 && lagB >= 0 && lagA + lagB <= CAUGHT_UP) {
                return;
            }
            if (System.nanoTime() - lastLog > 5_000_000_000L) {
                lastLog = System.nanoTime();
                System.out.printf("    waiting for the stores to catch up: lag %,d + %,d records%n", lagA, lagB);
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the stores did not catch up within 30 minutes");
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        try (var files = java.nio.file.Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Override
    public Verdict verdict(Map<String, Stats> stats) {
        double failedWith = stats.get("failed reads % (standby)").max();
        return new Verdict(failedWith == 0, String.format("to /ready: %.1f s with a standby, %.1f s without; failed reads: "
                        + "%.2f %% with, %.2f %% without", stats.get("ready s (standby)").median(),
                stats.get("ready s (no standby)").median(), failedWith, stats.get("failed reads % (no standby)").median()));
    }
}
