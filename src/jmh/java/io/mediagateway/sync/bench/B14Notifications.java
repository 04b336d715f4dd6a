package io.mediagateway.sync.bench;

import io.mediagateway.sync.testing.Ports;
import io.mediagateway.sync.testing.PubNubStandIn;
import io.mediagateway.sync.topics.Topics;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * B14: notifications per second through one instance (contract §14) — the packaged jar in its own JVM — from a
 * backlog produced to {@code sync.notifications} as fast as the harness can, to their deltas on
 * {@code sync.state-deltas} (the topology), to PubNub's {@code user.{id}.notifications} (the official SDK against the
 * {@link PubNubStandIn} on loopback) and to the WebSocket sessions of the users that are connected. Each rate is the
 * notifications divided by the time from the first produce to the last arrival at that stage; none may be lost.
 */
final class B14Notifications implements Scenario {

    @Override
    public String id() {
        return "B14";
    }

    @Override
    public String title() {
        return "notifications from Kafka to the topology, PubNub and the WebSocket on one instance";
    }

    @Override
    public String goal() {
        return "25,000 notifications/s (the specification's peak) at every stage, none lost";
    }

    @Override
    public String settings(BenchContext ctx) {
        return String.format("`java -Xmx1g -jar target/media-gateway-sync.jar serve` (2 stream threads, PostgreSQL off, PubNub "
                + "egress to the stand-in on loopback, SYNC_PUBNUB_CONCURRENCY 32); %,d notifications for %,d users produced to "
                + "`sync.notifications` (acks=all, linger 10 ms); %,d of those users connected over the WebSocket",
                notifications(ctx), users(ctx), connected(ctx));
    }

    private static int notifications(BenchContext ctx) {
        return ctx.size(250_000, 5_000);
    }

    private static int users(BenchContext ctx) {
        return ctx.size(10_000, 200);
    }

    private static int connected(BenchContext ctx) {
        return ctx.size(1_000, 50);
    }

    @Override
    public List<String> metrics() {
        return List.of("notifications", "produced/s", "topology/s", "pubnub/s", "websocket/s", "lost",
                "service CPU µs/notification");
    }

    @Override
    public Map<String, Double> run(BenchContext ctx) throws Exception {
        int n = notifications(ctx);
        int users = users(ctx);
        int connected = connected(ctx);
        try (BenchContext.Broker broker = ctx.broker("b14"); PubNubStandIn pubnub = PubNubStandIn.start()) {
            int port = Ports.free();
            // -Dbench.b14.pubnub=false: the topology and the WebSocket alone (what the PubNub egress costs them)
            boolean withPubNub = Boolean.parseBoolean(System.getProperty("bench.b14.pubnub", "true"));
            Map<String, String> extra = new java.util.HashMap<>(Map.of("SYNC_PORT", Integer.toString(port),
                    "SYNC_STREAM_THREADS", "2"));
            if (withPubNub) {
                extra.putAll(Map.of("PUBNUB_PUBLISH_KEY", "pub-bench", "PUBNUB_SUBSCRIBE_KEY", "sub-bench",
                        "PUBNUB_ORIGIN", pubnub.origin(), "PUBNUB_SECURE", "false"));
            }
            Map<String, String> env = BenchService.env(broker.bootstrap(), ctx.dir("b14-service"), extra);
            List<WebSocket> sockets = new ArrayList<>();
            try (ServiceJvm jvm = ServiceJvm.start(env, ctx.dir("b14-log").resolve("service.log"), List.of("-Xmx1g"));
                 DeltaCounter deltas = new DeltaCounter(broker.bootstrap(), "notification")) {
                AtomicInteger pushed = new AtomicInteger();
                AtomicLong lastPush = new AtomicLong();
                sockets.addAll(B8WebSockets.connect(HttpClient.newHttpClient(), port, connected, "nt-",
                        i -> new Notified(pushed, lastPush)));
                int published = withPubNub ? n : 0;
                // A warm-up batch first (a fifth as many, ids of their own): the service's JIT compiles its hot paths
                // (57 s of compiler time in the first run's profile), so the measured batch is the sustained rate.
                Batch warmUp = batch(broker, n / 5, users, connected, "w-");
                warmUp.await(deltas, pubnub, published / 5, pushed, 0, 0, 0);
                int[] before = {deltas.count.get(), pubnub.publishedCount(), pushed.get()};
                long cpuBefore = jvm.cpuNanos();
                Batch measured = batch(broker, n, users, connected, "b-");
                Map<String, Double> sample = measured.await(deltas, pubnub, published, pushed, before[0], before[1],
                        before[2]).with(lastPush.get());
                // The service's CPU (all its threads, the JIT and GC included) over the batch, per notification.
                sample.put("service CPU µs/notification", (jvm.cpuNanos() - cpuBefore) / 1e3 / n);
                return sample;
            } finally {
                for (WebSocket ws : sockets) {
                    ws.abort();
                }
            }
        }
    }

    /** One batch of {@code count} notifications produced from now, and how many of them go to connected users. */
    private record Batch(int count, long startNanos, double produceSeconds, int expectedPushes) {
        /** Waits until every stage has all of this batch (counters start at the given values); the sample. */
        Result await(DeltaCounter deltas, PubNubStandIn pubnub, int published, AtomicInteger pushed, int deltasBefore,
                     int publishedBefore, int pushedBefore) throws InterruptedException {
            long pubnubDone = 0;
            long until = System.nanoTime() + Duration.ofSeconds(300).toNanos();
            while (System.nanoTime() < until) {
                boolean pubnubAll = pubnub.publishedCount() - publishedBefore >= published;
                if (pubnubDone == 0 && pubnubAll) {
                    pubnubDone = System.nanoTime();
                }
                if (deltas.count.get() - deltasBefore >= count && pubnubAll && pushed.get() - pushedBefore >= expectedPushes) {
                    break;
                }
                Thread.sleep(10);
            }
            int lost = (count - Math.min(count, deltas.count.get() - deltasBefore))
                    + (published - Math.min(published, pubnub.publishedCount() - publishedBefore))
                    + (expectedPushes - Math.min(expectedPushes, pushed.get() - pushedBefore));
            return new Result(this, deltas.last.get(), published > 0 ? pubnubDone : 0, lost);
        }
    }

    /** What one batch measured; {@link #with} adds the last push's time. */
    private record Result(Batch batch, long lastDelta, long pubnubDone, int lost) {
        Map<String, Double> with(long lastPush) {
            return Scenario.sample("notifications", batch.count(), "produced/s", batch.count() / batch.produceSeconds(),
                    "topology/s", rate(batch.count(), batch.startNanos(), lastDelta), "pubnub/s",
                    rate(batch.count(), batch.startNanos(), pubnubDone), "websocket/s",
                    rate(batch.expectedPushes(), batch.startNanos(), lastPush), "lost", lost);
        }
    }

    private static Batch batch(BenchContext.Broker broker, int count, int users, int connected, String idPrefix)
            throws Exception {
        int expectedPushes = 0;
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = broker.producer()) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                int user = k % users;
                expectedPushes += user < connected ? 1 : 0;
                sent.add(BenchContext.send(producer, Topics.NOTIFICATIONS.name(), "nt-" + user, "{\"notification_id\":\""
                        + idPrefix + k + "\",\"notification_type\":\"new_recommendation\",\"title\":\"Because you watched "
                        + "Dune\",\"body\":\"Arrival (2016) is waiting for you.\",\"priority\":\"normal\",\"data\":"
                        + "{\"content_id\":\"tmdb:" + k % 5000 + "\"}}"));
            }
            BenchContext.await(sent);
        }
        return new Batch(count, start, (System.nanoTime() - start) / 1e9, expectedPushes);
    }

    private static double rate(int count, long startNanos, long lastNanos) {
        return lastNanos <= startNanos ? Double.NaN : count / ((lastNanos - startNanos) / 1e9);
    }

    /** Counts the notifications a session is pushed, and when the last came. */
    private static final class Notified extends B8WebSockets.WholeMessages {
        private final AtomicInteger pushed;
        private final AtomicLong last;

        Notified(AtomicInteger pushed, AtomicLong last) {
            this.pushed = pushed;
            this.last = last;
        }

        @Override
        void message(CharSequence message, long nanos) {
            if (message.toString().contains("\"type\":\"notification\"")) {
                pushed.incrementAndGet();
                last.set(nanos);
            }
        }
    }

    @Override
    public Verdict verdict(Map<String, Stats> stats) {
        double topology = stats.get("topology/s").median();
        double pubnub = stats.get("pubnub/s").median();
        double ws = stats.get("websocket/s").median();
        double lost = stats.get("lost").max();
        double slowest = Math.min(topology, Math.min(pubnub, ws));
        return new Verdict(slowest >= 25_000 && lost == 0, String.format(
                "topology %,.0f/s, PubNub %,.0f/s, WebSocket %,.0f/s, %,.0f lost", topology, pubnub, ws, lost));
    }
}
