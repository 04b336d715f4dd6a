package io.mediagateway.sync.bench;

import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.testing.Ports;
import io.mediagateway.sync.codec.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * B3: REST reads of a 50-item watchlist from one instance with {@code wrk} (keep-alive), and, as the
 * baseline in the same run, {@code GET /health} on the same server with the same load: what the HTTP
 * stack itself does on this machine. Without {@code wrk} a Java client stands in (and says so).
 */
final class B3RestReads implements Scenario {
    static final int CONNECTIONS = 50;
    /**
     * {@code -Dbench.b3InProcess=true}: the service in the harness JVM (as B3 ran before 2026-12-06), sharing
     * its heap and GC with the embedded broker; by default it runs as deployed, in a JVM of its own.
     */
    static final boolean IN_PROCESS = Boolean.getBoolean("bench.b3InProcess");

    @Override
    public String id() {
        return "B3";
    }

    @Override
    public String title() {
        return "REST reads of a 50-item watchlist, one instance";
    }

    @Override
    public String goal() {
        return "≥ 10,000 req/s with p99 ≤ 10 ms";
    }

    @Override
    public String settings(BenchContext ctx) {
        return String.format("%s, 2 threads, %d keep-alive connections, %d s per run after %d s of warm-up on each, `GET /api/v1/sync/watchlist` of a user "
                + "with 50 items (~9 KB answer) vs `GET /health` on the same instance (%s; load generator on the same "
                + "2 cores)", wrk().isPresent() ? "wrk" : "a Java HttpClient load loop (wrk not "
                + "installed)", CONNECTIONS, seconds(ctx), warmup(ctx), IN_PROCESS ? "in the harness JVM with the embedded broker"
                : "the packaged jar's `serve` in a JVM of its own with the Kubernetes manifests' options, "
                + String.join(" ", ServiceJvm.DEPLOYED) + ", the broker in the harness JVM");
    }

    private static int warmup(BenchContext ctx) {
        return ctx.size(20, 3);
    }

    private static int seconds(BenchContext ctx) {
        return ctx.size(15, 3);
    }

    @Override
    public List<String> metrics() {
        return List.of("req/s", "p99 ms", "health req/s", "health p99 ms");
    }

    @Override
    public Map<String, Double> run(BenchContext ctx) throws Exception {
        try (BenchContext.Broker broker = ctx.broker("b3")) {
            Map<String, String> env = BenchService.env(broker.bootstrap(), ctx.dir("b3-service"),
                    IN_PROCESS ? Map.of() : Map.of("SYNC_PORT", Integer.toString(Ports.free())));
            AutoCloseable service;
            String base;
            if (IN_PROCESS) {
                BenchService s = BenchService.start(env);
                service = s;
                base = s.base;
            } else {
                ServiceJvm jvm = ServiceJvm.start(env, ctx.dir("b3-log").resolve("service.log"), ServiceJvm.DEPLOYED);
                service = jvm;
                base = jvm.base;
            }
            try (service) {
                return measure(ctx, base);
            }
        }
    }

    private static Map<String, Double> measure(BenchContext ctx, String base) throws Exception {
        String token = BenchService.token("reader", "tv");
        String last = null;
        for (int i = 0; i < 50; i++) {
            last = Json.parse(Http.call(base + "/api/v1/sync/watchlist", token, "{\"operation\":\"add\","
                    + "\"content_id\":\"tmdb:" + (1000 + i) + "\",\"content_metadata\":{\"title\":\"A film called number "
                    + i + "\",\"year\":2001,\"poster_url\":\"https://img.example/p/" + i + ".jpg\",\"content_type\":\"movie\"}}")
                    .body()).path("token").asText();
        }
        String read = base + "/api/v1/sync/watchlist";
        int items = Json.parse(Http.call(read + "?after=" + last, token, null).body()).path("items").size();
        if (items != 50) {
            throw new IllegalStateException("expected 50 watchlist items, read " + items);
        }
        // Warm up first (JIT): on two cores a cold JVM answers at a fraction of its speed for tens of seconds.
        load(base + "/health", token, warmup(ctx));
        load(read, token, warmup(ctx));
        double[] health = load(base + "/health", token, seconds(ctx));
        double[] reads = load(read, token, seconds(ctx));
        return Scenario.sample("req/s", reads[0], "p99 ms", reads[1], "health req/s", health[0], "health p99 ms", health[1]);
    }

    /** Requests/s and p99 ms. */
    private static double[] load(String url, String token, int seconds) throws Exception {
        var wrk = wrk();
        return wrk.isPresent() ? wrk(wrk.get(), url, token, seconds) : java(url, token, seconds);
    }

    static java.util.Optional<Path> wrk() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, "wrk");
            if (Files.isExecutable(p)) {
                return java.util.Optional.of(p);
            }
        }
        return java.util.Optional.empty();
    }

    private static double[] wrk(Path wrk, String url, String token, int seconds) throws Exception {
        Process p = new ProcessBuilder(wrk.toString(), "-t2", "-c" + CONNECTIONS, "-d" + seconds + "s", "--latency",
                "-H", "Authorization: Bearer " + token, url).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(seconds + 30L, TimeUnit.SECONDS);
        Matcher rps = Pattern.compile("Requests/sec:\\s+([\\d.]+)").matcher(out);
        Matcher p99 = Pattern.compile("99%\\s+([\\d.]+)(us|ms|s)").matcher(out);
        Matcher errors = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(out);
        if (!rps.find() || !p99.find()) {
            throw new IOException("unexpected wrk output: " + out);
        }
        if (errors.find()) {
            throw new IOException("wrk saw " + errors.group(1) + " error answers: " + out);
        }
        double ms = Double.parseDouble(p99.group(1)) * switch (p99.group(2)) {
            case "us" -> 0.001;
            case "s" -> 1000.0;
            default -> 1.0;
        };
        return new double[] {Double.parseDouble(rps.group(1)), ms};
    }

    private static double[] java(String url, String token, int seconds) throws Exception {
        Percentiles latencies = new Percentiles();
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            workers.add(pool.submit(() -> {
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    if (Http.call(url, token, null).statusCode() != 200) {
                        throw new IOException("error answer from " + url);
                    }
                    latencies.add(System.nanoTime() - start);
                    done.incrementAndGet();
                }
                return null;
            }));
        }
        for (var w : workers) {
            w.get();
        }
        pool.shutdown();
        return new double[] {done.get() / (double) seconds, latencies.ms(0.99)};
    }

    @Override
    public Verdict verdict(Map<String, Stats> stats) {
        double rps = stats.get("req/s").median();
        double p99 = stats.get("p99 ms").median();
        return new Verdict(rps >= 10_000 && p99 <= 10, String.format("%,.0f req/s, p99 %.1f ms (GET /health: %,.0f req/s)",
                rps, p99, stats.get("health req/s").median()));
    }
}
