package io.mediagateway.sync.bench;

import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.testing.Ports;
import io.mediagateway.sync.topics.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * B8: 10,000 WebSocket connections on one instance — the packaged jar in its own JVM with a 1 GiB heap
 * ({@code -Xmx1g}) — one user each; then one event per user goes through Kafka and every connection must
 * receive its user's delta. Reports the heap the service holds afterwards (after a full GC, via jcmd).
 */
final class B8WebSockets implements Scenario {

    @Override
    public String id() {
        return "B8";
    }

    @Override
    public String title() {
        return "concurrent WebSocket connections on one instance, each receiving its deltas";
    }

    @Override
    public String goal() {
        return "10,000 with heap ≤ 1 GiB, no lost deltas";
    }

    @Override
    public String settings(BenchContext ctx) {
        return String.format("`java -Xmx1g -jar target/media-gateway-sync.jar serve` (embedded broker of the harness, PostgreSQL "
                + "off) and %,d WebSocket clients (java.net.http, in the harness JVM), one user each, 200 handshakes in flight; "
                + "then one preference_update per user produced to `sync.device-events`; heap = the service's used heap "
                + "after `jcmd GC.run`, from /metrics", connections(ctx));
    }

    private static int connections(BenchContext ctx) {
        return ctx.size(10_000, 300);
    }

    @Override
    public List<String> metrics() {
        return List.of("connections", "deltas received", "lost", "heap MiB", "connect s", "deliver s");
    }

    @Override
    public Map<String, Double> run(BenchContext ctx) throws Exception {
        int n = connections(ctx);
        try (BenchContext.Broker broker = ctx.broker("b8")) {
            int port = Ports.free();
            Map<String, String> env = BenchService.env(broker.bootstrap(), ctx.dir("b8-service"), Map.of(
                    "SYNC_PORT", Integer.toString(port), "SYNC_STREAM_THREADS", "1"));
            List<WebSocket> sockets = new ArrayList<>();
            try (ServiceJvm jvm = ServiceJvm.start(env, ctx.dir("b8-log").resolve("service.log"), List.of("-Xmx1g"))) {
                Process service = jvm.process;
                String base = jvm.base;
                HttpClient client = HttpClient.newHttpClient();
                AtomicInteger received = new AtomicInteger();
                long connectStart = System.nanoTime();
                sockets.addAll(connect(client, port, n, "ws-", i -> new Counting(received)));
                double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
                long deliverStart = System.nanoTime();
                try (KafkaProducer<String, byte[]> producer = broker.producer()) {
                    List<Future<RecordMetadata>> sent = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        sent.add(BenchContext.send(producer, Topics.DEVICE_EVENTS.name(), "ws-" + i,
                                "{\"msg_type\":\"preference_update\",\"device_id\":\"phone\",\"key\":\"volume\",\"value\":" + i + "}"));
                    }
                    BenchContext.await(sent);
                }
                long waitUntil = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (received.get() < n && System.nanoTime() < waitUntil) {
                    Thread.sleep(20);
                }
                double deliverSeconds = (System.nanoTime() - deliverStart) / 1e9;
                double heapMib = heapAfterGc(service, base);
                return Scenario.sample("connections", sockets.size(), "deltas received", received.get(), "lost",
                        n - received.get(), "heap MiB", heapMib, "connect s", connectSeconds, "deliver s", deliverSeconds);
            } finally {
                for (WebSocket ws : sockets) {
                    ws.abort();
                }
            }
        }
    }

    /**
     * {@code n} WebSocket sessions to the service on {@code port}, user {@code <prefix><i>} each (device {@code tv}),
     * 200 handshakes in flight; {@code listener} gives session {@code i} its listener.
     */
    static List<WebSocket> connect(HttpClient client, int port, int n, String prefix,
                                   java.util.function.IntFunction<WebSocket.Listener> listener) throws Exception {
        Semaphore handshakes = new Semaphore(200);
        List<CompletableFuture<WebSocket>> pending = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            handshakes.acquire();
            pending.add(client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30))
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?token=" + BenchService.token(prefix + i, "tv")),
                            listener.apply(i)).whenComplete((ws, e) -> handshakes.release()));
        }
        List<WebSocket> sockets = new ArrayList<>();
        for (CompletableFuture<WebSocket> f : pending) {
            sockets.add(f.get(60, TimeUnit.SECONDS));
        }
        return sockets;
    }

    /** A listener that is handed each whole text message (its frames joined), and asks for the next. */
    abstract static class WholeMessages implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        /** One whole message, received at {@code nanos}. */
        abstract void message(CharSequence message, long nanos);

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                message(text, System.nanoTime());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }

    /** Counts the deltas (not the snapshot) a connection receives. */
    private static final class Counting extends WholeMessages {
        private final AtomicInteger received;

        Counting(AtomicInteger received) {
            this.received = received;
        }

        @Override
        void message(CharSequence message, long nanos) {
            if (message.toString().contains("\"type\":\"preference_update\"")) {
                received.incrementAndGet();
            }
        }
    }

    /** The service's used heap after a full GC (jcmd GC.run), from its /metrics, MiB. */
    static double heapAfterGc(Process service, String base) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(service.pid()), "GC.run").redirectErrorStream(true).start();
        jcmd.getInputStream().readAllBytes();
        jcmd.waitFor(30, TimeUnit.SECONDS);
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.E+-]+)").matcher(metrics);
        double bytes = 0;
        while (m.find()) {
            bytes += Double.parseDouble(m.group(1));
        }
        return bytes / (1 << 20);
    }

    @Override
    public Verdict verdict(Map<String, Stats> stats) {
        double connections = stats.get("connections").median();
        double lost = stats.get("lost").max();
        double heap = stats.get("heap MiB").max();
        return new Verdict(connections >= 10_000 && lost == 0 && heap <= 1024, String.format(
                "%,.0f connections, %,.0f lost, heap %.0f MiB after GC (limit 1 GiB)", connections, lost, heap));
    }
}
