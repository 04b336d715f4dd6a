package io.mediagateway.sync.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.testing.WsTestClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * B11: catch-up on one quiet instance (contract §13), against the specification's SLOs and our aim of a
 * tenth of them: a history fetch ({@code GET /api/v1/sync/changes} of the 50 changes a device missed) and a
 * state reconciliation ({@code state_reconciliation_request} of every part over an open WebSocket), each
 * timed one at a time as a reconnecting device meets it.
 */
final class B11CatchUp implements Scenario {
    private static final int USERS = 20;
    private static final int MISSED = 50;

    @Override
    public String id() {
        return "B11";
    }

    @Override
    public String title() {
        return "Catch-up: history fetch and state reconciliation, one quiet instance";
    }

    @Override
    public String goal() {
        return "a tenth of the specification's SLOs: history fetch p50 ≤ 10 ms, p99 ≤ 30 ms; reconciliation p50 ≤ 20 ms, "
                + "p99 ≤ 50 ms";
    }

    @Override
    public String settings(BenchContext ctx) {
        return String.format("%d users, each with a full history (100 changes: watchlist adds with metadata, progress, "
                + "preferences) and 3 devices; %,d fetches of the %d changes after a cursor and %,d "
                + "reconciliations of all four parts (50 watchlist items, 25 progress items), one request at a time "
                + "after %,d of warm-up each; client in the harness JVM", USERS, requests(ctx), MISSED, requests(ctx),
                requests(ctx) / 2);
    }

    private static int requests(BenchContext ctx) {
        return ctx.size(2_000, 200);
    }

    @Override
    public List<String> metrics() {
        return List.of("fetch p50 ms", "fetch p99 ms", "fetch KB", "reconcile p50 ms", "reconcile p99 ms", "reconcile KB");
    }

    @Override
    public Map<String, Double> run(BenchContext ctx) throws Exception {
        try (BenchContext.Broker broker = ctx.broker("b11");
             BenchService s = BenchService.start(BenchService.env(broker.bootstrap(), ctx.dir("b11-service"), Map.of()))) {
            String[] cursors = new String[USERS];
            for (int u = 0; u < USERS; u++) {
                String token = BenchService.token("catchup-" + u, "phone");
                for (String device : List.of("tv", "phone", "tablet")) {
                    Http.request("PUT", s.base + "/api/v1/devices/" + device, token, "{\"device_type\":\"TV\","
                            + "\"platform\":\"Tizen\",\"capabilities\":{\"remote_controllable\":true}}");
                }
                String last = null;
                for (int i = 0; i < 100; i++) {
                    if (i == 100 - MISSED) {
                        cursors[u] = Json.parse(Http.call(s.base + "/api/v1/sync/snapshot?after=" + last, token, null)
                                .body()).path("cursor").asText();
                    }
                    String body = switch (i % 4) {
                        case 0, 1 -> "{\"operation\":\"add\",\"content_id\":\"tmdb:" + i + "\",\"content_metadata\":{"
                                + "\"title\":\"A film called number " + i + "\",\"year\":2001,\"content_type\":\"movie\"}}";
                        case 2 -> "{\"content_id\":\"tmdb:" + i + "\",\"position_seconds\":" + (i * 10)
                                + ",\"duration_seconds\":5400,\"state\":\"paused\"}";
                        default -> "{\"key\":\"k" + i + "\",\"value\":" + i + "}";
                    };
                    String path = switch (i % 4) {
                        case 0, 1 -> "/api/v1/sync/watchlist";
                        case 2 -> "/api/v1/sync/progress";
                        default -> "/api/v1/sync/preferences";
                    };
                    last = Json.parse(Http.call(s.base + path, token, body).body()).path("token").asText();
                }
                Http.call(s.base + "/api/v1/sync/preferences?after=" + last, token, null);
            }
            // warm-up, then the measured requests: one at a time, as a reconnecting device makes them
            fetches(s, cursors, requests(ctx) / 2, null);
            Percentiles fetch = new Percentiles();
            double fetchKb = fetches(s, cursors, requests(ctx), fetch);
            Percentiles reconcile = new Percentiles();
            double reconcileKb;
            try (WsTestClient ws = WsTestClient.connect(s.base.replace("http://", "ws://") + "/ws?token="
                    + BenchService.token("catchup-0", "tv"))) {
                ws.next(Duration.ofSeconds(10));
                reconciliations(ws, requests(ctx) / 2, null);
                reconcileKb = reconciliations(ws, requests(ctx), reconcile);
            }
            return Scenario.sample("fetch p50 ms", fetch.ms(0.5), "fetch p99 ms", fetch.ms(0.99), "fetch KB", fetchKb,
                    "reconcile p50 ms", reconcile.ms(0.5), "reconcile p99 ms", reconcile.ms(0.99), "reconcile KB", reconcileKb);
        }
    }

    /** Times {@code n} fetches; the size of the last answer, in KB. */
    private static double fetches(BenchService s, String[] cursors, int n, Percentiles into) throws Exception {
        double kb = 0;
        for (int i = 0; i < n; i++) {
            int u = i % USERS;
            String url = s.base + "/api/v1/sync/changes?since=" + URLEncoder.encode(cursors[u], StandardCharsets.UTF_8);
            long start = System.nanoTime();
            var r = Http.call(url, BenchService.token("catchup-" + u, "tv"), null);
            long took = System.nanoTime() - start;
            JsonNode body = Json.parse(r.body());
            if (r.statusCode() != 200 || body.path("changes").size() != MISSED) {
                throw new IllegalStateException("expected " + MISSED + " changes, got " + r.statusCode() + " " + r.body());
            }
            if (into != null) {
                into.add(took);
            }
            kb = r.body().getBytes(StandardCharsets.UTF_8).length / 1024.0;
        }
        return kb;
    }

    /** Times {@code n} reconciliations; the size of the last answer, in KB. */
    private static double reconciliations(WsTestClient ws, int n, Percentiles into) throws Exception {
        double kb = 0;
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            ws.send("{\"type\":\"state_reconciliation_request\",\"id\":" + i + ",\"requested_states\":[\"Watchlist\","
                    + "\"WatchProgress\",\"Preferences\",\"Devices\"]}");
            String answer = ws.next(Duration.ofSeconds(10));
            long took = System.nanoTime() - start;
            if (answer == null || !answer.contains("state_reconciliation_response")) {
                throw new IllegalStateException("no reconciliation answer: " + answer);
            }
            if (into != null) {
                into.add(took);
            }
            kb = answer.getBytes(StandardCharsets.UTF_8).length / 1024.0;
        }
        return kb;
    }

    @Override
    public Verdict verdict(Map<String, Stats> stats) {
        double f50 = stats.get("fetch p50 ms").median();
        double f99 = stats.get("fetch p99 ms").median();
        double r50 = stats.get("reconcile p50 ms").median();
        double r99 = stats.get("reconcile p99 ms").median();
        return new Verdict(f50 <= 10 && f99 <= 30 && r50 <= 20 && r99 <= 50, String.format("history fetch p50 %.1f / p99 %.1f ms "
                + "(SLO 100 / 300); reconciliation p50 %.1f / p99 %.1f ms (SLO 200 / 500)", f50, f99, r50, r99));
    }
}
