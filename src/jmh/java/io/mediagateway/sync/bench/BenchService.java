package io.mediagateway.sync.bench;

import io.mediagateway.sync.runtime.SyncConfig;
import io.mediagateway.sync.runtime.SyncService;
import io.mediagateway.sync.web.JwtTokens;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** The service for a scenario: in this JVM on the scenario's broker, PostgreSQL off, rate limits off. */
final class BenchService implements AutoCloseable {
    static final String SECRET = "benchmark-secret-of-at-least-32-bytes!!";
    static final JwtTokens TOKENS = new JwtTokens(SECRET);
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final SyncService service;
    final String base;

    private BenchService(SyncService service) {
        this.service = service;
        this.base = "http://127.0.0.1:" + service.httpPort();
    }

    /** The environment a scenario's instance runs with; {@code extra} overrides. */
    static Map<String, String> env(String bootstrap, Path dataDir, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        env.put("SYNC_PG", "off");
        env.put("SYNC_HOST", "127.0.0.1");
        env.put("SYNC_PORT", "0");
        env.put("SYNC_DATA_DIR", dataDir.toString());
        env.put("SYNC_JWT_SECRET", SECRET);
        env.put("SYNC_RATE_LIMIT_USER_PER_SEC", "0");
        env.put("SYNC_RATE_LIMIT_DEVICE_PER_SEC", "0");
        env.put("SYNC_STANDBY_REPLICAS", "0");
        env.put("SYNC_APPLICATION_ID", "bench-" + System.nanoTime());
        env.putAll(extra);
        return env;
    }

    static BenchService start(Map<String, String> env) throws Exception {
        BenchService s = new BenchService(SyncService.start(SyncConfig.fromEnv(env)));
        s.awaitReady(Duration.ofMinutes(5));
        return s;
    }

    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (status(base + "/ready") == 200) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(base + " not ready within " + timeout);
    }

    static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    static String token(String user, String device) {
        return TOKENS.forUser(user, device, Duration.ofHours(6), Instant.now());
    }

    static HttpResponse<String> call(String url, String token, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token);
        b = body == null ? b.GET() : b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        service.close();
    }
}
