package io.mediagateway.sync.bench;

import io.mediagateway.sync.testing.WsTestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Write → push latency against a running instance: device B writes progress through REST, device A's
 * WebSocket (same user) waits for the delta. Prints p50/p90/p99/max over {@code n} writes.
 *
 * <pre>java … PushLatency http://127.0.0.1:8083 TOKEN_OF_DEVICE_A TOKEN_OF_DEVICE_B [n]</pre>
 */
public final class PushLatency {
    private PushLatency() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String tokenA = args[1];
        String tokenB = args[2];
        int n = args.length > 3 ? Integer.parseInt(args[3]) : 500;
        HttpClient http = HttpClient.newHttpClient();
        WsTestClient ws = WsTestClient.connect(base.replace("http", "ws") + "/ws?token=" + tokenA);
        ws.next(Duration.ofSeconds(10)); // the snapshot
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < n + 50; i++) {
            String marker = "latency-" + System.nanoTime();
            long start = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/sync/progress"))
                    .header("Authorization", "Bearer " + tokenB)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"content_id\":\"" + marker + "\",\"position_seconds\":1,"
                            + "\"duration_seconds\":100,\"state\":\"playing\"}")).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 202) {
                throw new IllegalStateException("write failed: " + r.statusCode() + " " + r.body());
            }
            if (ws.nextContaining(marker, Duration.ofSeconds(5)) == null) {
                throw new IllegalStateException("no push for " + marker);
            }
            if (i >= 50) { // the first 50 warm up
                micros.add((System.nanoTime() - start) / 1000);
            }
            Thread.sleep(5);
        }
        ws.close();
        Collections.sort(micros);
        System.out.printf("write -> push over %d writes: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n", micros.size(),
                at(micros, 0.50), at(micros, 0.90), at(micros, 0.99), micros.get(micros.size() - 1) / 1000.0);
    }

    private static double at(List<Long> sorted, double q) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size()))) / 1000.0;
    }
}
