package io.mediagateway.sync.web;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code http.server.requests}: one timer per method, route template, status and outcome. The route is
 * the matched template ({@code /api/v1/sync/progress/{content_id}}), never the raw path, so a client
 * cannot grow the number of series; unmatched paths count as {@code NOT_FOUND} and dashboard files as
 * {@code STATIC}.
 */
final class HttpMetrics {
    private final MeterRegistry registry;
    /** One timer per series, looked up by a record instead of rebuilt (tags sorted, id hashed) on every request. */
    private final Map<Series, Timer> timers = new ConcurrentHashMap<>();

    private record Series(String method, String uri, int status) {
    }

    HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(Context ctx, float millis) {
        int status = ctx.statusCode();
        timers.computeIfAbsent(new Series(ctx.method().name(), route(ctx, status), status), s -> Timer
                        .builder("http.server.requests")
                        .description("HTTP requests served, by route template and status")
                        .tag("method", s.method())
                        .tag("uri", s.uri())
                        .tag("status", Integer.toString(s.status()))
                        .tag("outcome", outcome(s.status()))
                        .register(registry))
                .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
    }

    static String route(Context ctx, int status) {
        Endpoint endpoint = matched(ctx);
        if (endpoint != null) {
            return endpoint.path;
        }
        return status == 404 ? "NOT_FOUND" : "STATIC";
    }

    private static Endpoint matched(Context ctx) {
        try {
            return ctx.endpoints().matchedHttpEndpoint();
        } catch (RuntimeException e) {
            return null;   // no route matched (a static file or a 404)
        }
    }

    static String outcome(int status) {
        if (status < 200) {
            return "INFORMATIONAL";
        } else if (status < 300) {
            return "SUCCESS";
        } else if (status < 400) {
            return "REDIRECTION";
        }
        return status < 500 ? "CLIENT_ERROR" : "SERVER_ERROR";
    }
}
