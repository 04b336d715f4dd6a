package io.mediagateway.sync.bench;

import io.mediagateway.sync.app.SyncConfig;
import io.mediagateway.sync.app.SyncService;
import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.web.JwtTokens;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** The service for a scenario: in this JVM on the scenario's broker, PostgreSQL off, rate limits off. */
final class BenchService implements AutoCloseable {
    static final String SECRET = "benchmark-secret-of-at-least-32-bytes!!";
    static final JwtTokens TOKENS = new JwtTokens(SECRET);

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
        // The scenarios measure the serving application alone (as BENCHMARKS.md's figures were taken);
        // the analytics application would add a stream thread reading the same log.
        env.put("SYNC_ANALYTICS", "off");
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
            if (Http.status(base + "/ready") == 200) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(base + " not ready within " + timeout);
    }

    static String token(String user, String device) {
        return TOKENS.forUser(user, device, Duration.ofHours(6), Instant.now());
    }

    @Override
    public void close() {
        service.close();
    }
}
