package io.mediagateway.sync.bench;

import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.testing.WsTestClient;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.topology.Workload;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * B2: device B of a user writes progress through REST; device A's WebSocket (same user) waits for the
 * delta — while 1,000 events/s of other users' traffic flow through the topology. Baseline, on the same
 * broker under the same load: a bare Kafka round trip (produce with acks=all, a consumer polling for it).
 */
final class B2WriteToPush implements Scenario {
    static final int BACKGROUND_PER_SEC = 1_000;

    @Override
    public String id() {
        return "B2";
    }

    @Override
    public String title() {
        return "REST write → WebSocket push to another device, and WebSocket open → snapshot, idle and with 1,000 events/s background";
    }

    @Override
    public String goal() {
        return "p50 ≤ 50 ms, p99 ≤ 100 ms, idle and loaded; WebSocket open → snapshot p50 < 100 ms";
    }

    @Override
    public String settings(BenchContext ctx) {
        return String.format("one instance in the harness JVM (embedded broker, PostgreSQL off, default settings: commit "
                + "interval %d ms, %d stream threads); %,d writes one after another (5 ms apart) after %d warm-up writes, "
                + "each timed from the REST call to the push on the other device's WebSocket — first on an idle service "
                + "(nothing else on the broker), then on a second instance started once the Kafka round trips are "
                + "measured and left to catch up with a background of %,d Workload events/s for 2,000 other users",
                B1TopologyVsBaseline.commitInterval(),
                Runtime.getRuntime().availableProcessors(), writes(ctx), warmUp(ctx), BACKGROUND_PER_SEC);
    }

    private static int warmUp(BenchContext ctx) {
        return ctx.size(200, 20);
    }

    private static int writes(BenchContext ctx) {
        return ctx.size(500, 40);
    }

    @Override
    public List<String> metrics() {
        return List.of("idle p50 ms", "idle p99 ms", "p50 ms", "p99 ms", "max ms", "kafka p50 ms", "kafka p99 ms",
                "idle connect p50 ms", "idle connect p99 ms", "connect p50 ms", "connect p99 ms");
    }

    @Override
    public Map<String, Double> run(BenchContext ctx) throws Exception {
        try (BenchContext.Broker broker = ctx.broker("b2")) {
            // A lone write on a quiet service: what a user feels most of the time (issue 22).
            Timings idle = writeToPush(ctx, broker, writes(ctx), "idle");
            AtomicBoolean running = new AtomicBoolean(true);
            Thread background = background(broker, running);
            try {
                Percentiles kafka = kafkaRoundTrip(broker, writes(ctx));
                Timings loaded = writeToPush(ctx, broker, writes(ctx), "loaded");
                Percentiles push = loaded.push();
                return Scenario.sample("idle p50 ms", idle.push().ms(0.5), "idle p99 ms", idle.push().ms(0.99),
                        "p50 ms", push.ms(0.5), "p99 ms", push.ms(0.99), "max ms", push.ms(1.0),
                        "kafka p50 ms", kafka.ms(0.5), "kafka p99 ms", kafka.ms(0.99),
                        "idle connect p50 ms", idle.connect().ms(0.5), "idle connect p99 ms", idle.connect().ms(0.99),
                        "connect p50 ms", loaded.connect().ms(0.5), "connect p99 ms", loaded.connect().ms(0.99));
            } finally {
                running.set(false);
                background.join();
            }
        }
    }

    static Thread background(BenchContext.Broker broker, AtomicBoolean running) {
        Thread t = new Thread(() -> {
            List<Workload.Event> events = Workload.generate(3, System.currentTimeMillis() - 600_000, 2_000, 200_000, 0,
                    new Workload.Mix(false, false, true));
            try (KafkaProducer<String, byte[]> producer = broker.producer()) {
                long start = System.nanoTime();
                for (int i = 0; running.get(); i++) {
                    Workload.Event e = events.get(i % events.size());
                    producer.send(new ProducerRecord<>(Topics.DEVICE_EVENTS.name(), "bg-" + e.user(), e.value()));
                    long due = start + (i + 1) * 1_000_000_000L / BACKGROUND_PER_SEC;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-background");
        t.start();
        return t;
    }

    /** Write → push, and WebSocket open → snapshot received. */
    private record Timings(Percentiles push, Percentiles connect) {
    }

    private static Timings writeToPush(BenchContext ctx, BenchContext.Broker broker, int writes, String name)
            throws Exception {
        Percentiles out = new Percentiles();
        Percentiles connect;
        String applicationId = "b2-" + name + "-" + System.nanoTime();
        try (BenchService s = BenchService.start(BenchService.env(broker.bootstrap(), ctx.dir("b2-service-" + name),
                Map.of("SYNC_COMMIT_INTERVAL_MS", Long.toString(B1TopologyVsBaseline.commitInterval()),
                        "SYNC_APPLICATION_ID", applicationId)));
             Admin admin = broker.admin()) {
            // The background ran while the Kafka round trips were measured: let the service catch up with
            // it first, so the writes measure the steady state, not the backlog of a cold start.
            BenchContext.awaitCommitted(admin, applicationId, Topics.DEVICE_EVENTS.name(), Duration.ofMinutes(5), null);
            connect = connectToSnapshot(s, ctx.size(200, 20));
            String tokenA = BenchService.token("latency-user", "tv");
            String tokenB = BenchService.token("latency-user", "phone");
            try (WsTestClient ws = WsTestClient.connect(s.base.replace("http", "ws") + "/ws?token=" + tokenA)) {
                ws.next(Duration.ofSeconds(10)); // the snapshot
                for (int i = 0; i < writes + warmUp(ctx); i++) {
                    String marker = "latency-" + System.nanoTime();
                    long start = System.nanoTime();
                    HttpResponse<String> r = Http.call(s.base + "/api/v1/sync/progress", tokenB, "{\"content_id\":\""
                            + marker + "\",\"position_seconds\":1,\"duration_seconds\":100,\"state\":\"playing\"}");
                    if (r.statusCode() != 202) {
                        throw new IllegalStateException("write failed: " + r.statusCode() + " " + r.body());
                    }
                    if (ws.nextContaining(marker, Duration.ofSeconds(10)) == null) {
                        throw new IllegalStateException("no push for " + marker);
                    }
                    if (i >= warmUp(ctx)) {
                        out.add(System.nanoTime() - start);
                    }
                    Thread.sleep(5);
                }
            }
        }
        return new Timings(out, connect);
    }

    /**
     * A device opening its WebSocket: from the connect call to its snapshot received, for a user with 20
     * watchlist items and 5 titles in progress, one connection after another (each closed before the next).
     */
    private static Percentiles connectToSnapshot(BenchService s, int n) throws Exception {
        String token = BenchService.token("connect-user", "tv");
        String last = null;
        for (int i = 0; i < 25; i++) {
            String body = i < 20
                    ? "{\"operation\":\"add\",\"content_id\":\"tmdb:" + (500 + i) + "\",\"content_metadata\":{\"title\":\"Title " + i + "\"}}"
                    : "{\"content_id\":\"tmdb:" + (500 + i) + "\",\"position_seconds\":60,\"duration_seconds\":3600,\"state\":\"paused\"}";
            HttpResponse<String> r = Http.call(s.base + (i < 20 ? "/api/v1/sync/watchlist" : "/api/v1/sync/progress"), token, body);
            if (r.statusCode() != 202) {
                throw new IllegalStateException("write failed: " + r.statusCode() + " " + r.body());
            }
            last = io.mediagateway.sync.codec.Json.parse(r.body().getBytes(StandardCharsets.UTF_8)).path("token").asText();
        }
        Http.call(s.base + "/api/v1/sync/progress?after=" + last, token, null);   // waits until the last is visible
        Percentiles out = new Percentiles();
        String url = s.base.replace("http", "ws") + "/ws?token=" + token;
        // One client for every connection, as a device keeps its own: the time is the server's and the wire's.
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < n + 20; i++) {
            long start = System.nanoTime();
            try (WsTestClient ws = WsTestClient.connect(client, url)) {
                String first = ws.next(Duration.ofSeconds(10));
                long took = System.nanoTime() - start;
                if (first == null || !first.contains("\"snapshot\"") || !first.contains("tmdb:524")) {
                    throw new IllegalStateException("no full snapshot: " + first);
                }
                if (i >= 20) {
                    out.add(took);
                }
            }
        }
        return out;
    }

    /** Produce (acks=all) → a consumer's poll returns it, one record at a time on a topic of its own. */
    private static Percentiles kafkaRoundTrip(BenchContext.Broker broker, int n) throws Exception {
        Percentiles out = new Percentiles();
        String topic = Topics.STATE_DELTAS.name();
        try (KafkaProducer<String, byte[]> producer = broker.producer();
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                     ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10), new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            consumer.position(tp);
            for (int i = 0; i < n + 50; i++) {
                String marker = "rt-" + System.nanoTime();
                long start = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, 0, "rt", marker.getBytes(StandardCharsets.UTF_8))).get();
                boolean seen = false;
                while (!seen) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        seen |= marker.equals(new String(r.value(), StandardCharsets.UTF_8));
                    }
                    if (System.nanoTime() - start > 10_000_000_000L) {
                        throw new IllegalStateException("the round trip record did not come back");
                    }
                }
                if (i >= 50) {
                    out.add(System.nanoTime() - start);
                }
            }
        }
        return out;
    }

    @Override
    public Verdict verdict(Map<String, Stats> stats) {
        double p50 = stats.get("p50 ms").median();
        double p99 = stats.get("p99 ms").median();
        double idle50 = stats.get("idle p50 ms").median();
        double idle99 = stats.get("idle p99 ms").median();
        double connect50 = Math.max(stats.get("idle connect p50 ms").median(), stats.get("connect p50 ms").median());
        return new Verdict(p50 <= 50 && p99 <= 100 && idle50 <= 50 && idle99 <= 100 && connect50 < 100, String.format(
                "idle p50 %.1f ms, p99 %.1f ms; loaded p50 %.1f ms, p99 %.1f ms (Kafka alone: p50 %.1f, p99 %.1f); "
                + "WebSocket open → snapshot p50 %.1f ms idle, %.1f ms loaded",
                idle50, idle99, p50, p99, stats.get("kafka p50 ms").median(), stats.get("kafka p99 ms").median(),
                stats.get("idle connect p50 ms").median(), stats.get("connect p50 ms").median()));
    }
}
