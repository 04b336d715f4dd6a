package io.mediagateway.sync.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.testing.RawHttp;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WebServerTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void shouldAnswerHealthAndReadinessAsTheContractSays() throws Exception {
        AtomicReference<Readiness.Status> status = new AtomicReference<>(new Readiness.Status(false, "REBALANCING"));
        try (WebServer web = WebServer.start("127.0.0.1", 0, "1.2.3", status::get, json)) {
            String base = "http://127.0.0.1:" + web.port();

            HttpResponse<String> health = Http.get(base + "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(json.readTree(health.body())).isEqualTo(json.readTree(
                    "{\"status\":\"healthy\",\"service\":\"media-gateway-sync\",\"version\":\"1.2.3\"}"));

            HttpResponse<String> notReady = Http.get(base + "/ready");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.headers().firstValue("Retry-After")).contains("1");
            JsonNode error = json.readTree(notReady.body());
            assertThat(error.get("error").asText()).isEqualTo("not_ready");
            assertThat(error.get("message").asText()).contains("REBALANCING");

            status.set(new Readiness.Status(true, "RUNNING"));
            HttpResponse<String> ready = Http.get(base + "/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(json.readTree(ready.body()).get("streams").asText()).isEqualTo("RUNNING");
        }
    }

    @Test
    void shouldAnswerUnknownRoutesWithTheJsonErrorShape() throws Exception {
        try (WebServer web = WebServer.start("127.0.0.1", 0, "1", () -> new Readiness.Status(true, "RUNNING"), json)) {
            HttpResponse<String> response = Http.get("http://127.0.0.1:" + web.port() + "/nope");

            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            JsonNode body = json.readTree(response.body());
            assertThat(body.get("error").asText()).isEqualTo("not_found");
            assertThat(body.get("message").asText()).isEqualTo("no route for GET /nope");
        }
    }

    @Test
    void shouldNeverLeakAStackTraceWhenReadinessFails() throws Exception {
        Readiness broken = () -> {
            throw new IllegalStateException("secret internals");
        };
        try (WebServer web = WebServer.start("127.0.0.1", 0, "1", broken, json)) {
            HttpResponse<String> response = Http.get("http://127.0.0.1:" + web.port() + "/ready");

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.body()).doesNotContain("secret internals").doesNotContain("at io.");
            assertThat(json.readTree(response.body()).get("error").asText()).isEqualTo("internal");
        }
    }

    @Test
    void shouldServeTheDashboardAndPrometheusMetricsWithRouteTemplatesNotRawPaths() throws Exception {
        // given a server with one templated route
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (WebServer web = WebServer.start("127.0.0.1", 0, "1", () -> new Readiness.Status(true, "RUNNING"), json,
                registry, config -> config.routes.get("/items/{id}", ctx -> ctx.result(ctx.pathParam("id"))))) {
            String base = "http://127.0.0.1:" + web.port();

            // when the dashboard, a templated route (twice, different ids) and an unknown path are asked for
            HttpResponse<String> page = Http.get(base + "/");
            HttpResponse<String> script = Http.get(base + "/app.js");
            Http.get(base + "/items/a");
            Http.get(base + "/items/b");
            Http.get(base + "/nope-" + System.nanoTime());
            HttpResponse<String> metrics = Http.get(base + "/metrics");

            // then the page and its script are served without a token, revalidated on every load
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<title>Media Gateway Sync</title>", "/app.js");
            assertThat(page.headers().firstValue("Cache-Control")).contains("no-cache");
            assertThat(script.statusCode()).isEqualTo(200);
            assertThat(script.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("javascript"));
            // and /metrics is Prometheus text, with one series per route template, never per raw path
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
            assertThat(metrics.body())
                    .contains("http_server_requests_seconds_count{method=\"GET\",outcome=\"SUCCESS\",status=\"200\",uri=\"/items/{id}\"} 2")
                    .contains("uri=\"NOT_FOUND\"")
                    .contains("uri=\"STATIC\"")
                    .doesNotContain("/items/a")
                    .doesNotContain("/nope-");
        }
    }

    @Test
    void theServersOwnRefusalsAreJsonErrorsToo() throws Exception {
        // given a server with the API's shape for errors, and one route that reads a body
        try (WebServer web = WebServer.start("127.0.0.1", 0, "1", () -> new Readiness.Status(true, "RUNNING"), json,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                config -> config.routes.post("/echo", ctx -> ctx.result(ctx.bodyAsBytes())))) {
            int port = web.port();
            String huge = "x".repeat(100_000);
            Map<String, RawHttp.Response> answers = new LinkedHashMap<>();

            // when requests fail before any route runs
            answers.put("header of 100 KB", RawHttp.send(port, "GET /health HTTP/1.1\r\nAuthorization: Bearer " + huge, null));
            answers.put("WebSocket handshake with a 100 KB ?token=", RawHttp.send(port, "GET /ws?token=" + huge
                    + " HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", null));
            answers.put("%00 in the path", RawHttp.send(port, "GET /api/v1/sync/progress/a%00b HTTP/1.1", null));
            answers.put("raw .. in the path", RawHttp.send(port, "GET /api/v1/../../etc/passwd HTTP/1.1", null));
            answers.put("overlong UTF-8 dot", RawHttp.send(port, "GET /api/v1/sync/%c0%ae%c0%ae/x HTTP/1.1", null));
            answers.put("CONNECT", RawHttp.send(port, "CONNECT example.com:443 HTTP/1.1", null));
            answers.put("unknown method", RawHttp.send(port, "BREW /health HTTP/1.1", null));
            answers.put("body over 1,000,000 bytes", RawHttp.send(port, "POST /echo HTTP/1.1\r\nContent-Type: application/json",
                    new byte[1_000_001]));
            answers.put("body over one event", RawHttp.send(port, "POST /echo HTTP/1.1\r\nContent-Type: application/json",
                    new byte[40_000]));
            answers.put("a header line without a colon", RawHttp.send(port, "GET /health HTTP/1.1\r\nNoColonHere", null));
            answers.put("HTTP/9.9", RawHttp.send(port, "GET /health HTTP/9.9", null));

            // then every one is a JSON error of the API's shape, never Jetty's HTML or plain text
            answers.forEach((what, r) -> {
                assertThat(r.status()).as(what).isBetween(400, 599);
                assertThat(r.contentType()).as(what + ": " + r.body()).startsWith("application/json");
                JsonNode body;
                try {
                    body = json.readTree(r.body());
                } catch (Exception e) {
                    throw new AssertionError(what + " answered " + r.body(), e);
                }
                assertThat(body.path("error").asText()).as(what).isNotBlank();
                assertThat(body.path("message").asText()).as(what).isNotBlank();
                assertThat(r.body()).as(what).doesNotContain("<html", "Exception", "\tat ");
            });
            assertThat(answers.get("header of 100 KB").status()).isEqualTo(431);
            assertThat(json.readTree(answers.get("header of 100 KB").body()).path("error").asText()).isEqualTo("headers_too_large");
            assertThat(answers.get("WebSocket handshake with a 100 KB ?token=").status()).isEqualTo(414);
            assertThat(answers.get("body over 1,000,000 bytes").status()).isEqualTo(413);
            assertThat(json.readTree(answers.get("body over one event").body()).path("error").asText()).isEqualTo("too_large");
            assertThat(answers.get("%00 in the path").status()).isEqualTo(400);
        }
    }
}
