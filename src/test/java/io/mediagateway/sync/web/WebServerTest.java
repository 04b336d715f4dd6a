package io.mediagateway.sync.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mediagateway.sync.testing.Http;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpResponse;
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
}
