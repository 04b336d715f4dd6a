package io.mediagateway.sync.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.mediagateway.sync.ingest.EventParser;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front end: health, readiness, metrics and the dashboard; the REST API and the WebSocket are
 * registered by their owners.
 * Every failure answers the {@link ApiError} shape, never a stack trace.
 */
public final class WebServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebServer.class);
    public static final String SERVICE = "media-gateway-sync";

    private final Javalin app;

    private WebServer(Javalin app) {
        this.app = app;
    }

    /** Binds {@code host:port} ({@code port} 0 picks a free one) and starts answering. */
    public static WebServer start(String host, int port, String version, Readiness readiness, ObjectMapper json) {
        return start(host, port, version, readiness, json, config -> { });
    }

    /** As above, with more routes (the API) registered by {@code routes}, and meters of its own. */
    public static WebServer start(String host, int port, String version, Readiness readiness, ObjectMapper json,
                                  Consumer<JavalinConfig> routes) {
        return start(host, port, version, readiness, json, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), routes);
    }

    /**
     * The full form: {@code metrics} receives the HTTP timers and is what {@code /metrics} shows; the
     * dashboard's static files are served from the classpath's {@code public/} at {@code /}.
     */
    public static WebServer start(String host, int port, String version, Readiness readiness, ObjectMapper json,
                                  PrometheusMeterRegistry metrics, Consumer<JavalinConfig> routes) {
        HttpMetrics http = new HttpMetrics(metrics);
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jsonMapper(new JavalinJackson(json, false));
            config.jetty.host = host;
            config.jetty.port = port;
            // No request of the API needs a body larger than one event; larger ones are refused unread (413).
            config.http.maxRequestSize = EventParser.MAX_RECORD_BYTES;
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new JsonErrorHandler()));
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/public";
                files.location = Location.CLASSPATH;
                // The page and its scripts change with each release; always revalidate (ETag) instead of caching stale code.
                files.headers = Map.of("Cache-Control", "no-cache");
            });
            config.requestLogger.http(http::record);
            config.routes.get("/health", ctx -> ctx.json(health(version)));
            config.routes.get("/ready", ctx -> ready(ctx, readiness));
            config.routes.get("/metrics", ctx -> scrape(ctx, metrics));
            routes.accept(config);
            config.routes.error(404, "*", ctx -> {
                // A handler's own JSON 404 (e.g. "no progress for this content") is kept as is.
                String type = ctx.res().getContentType();
                if (type == null || !type.startsWith("application/json")) {
                    error(ctx, HttpStatus.NOT_FOUND, "not_found", "no route for " + ctx.method() + " " + ctx.path());
                }
            });
            config.routes.error(405, "*", ctx -> error(ctx, HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                    ctx.method() + " is not allowed on " + ctx.path()));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> {
                // Javalin's own refusals (a body over maxRequestSize, …), in the API's shape.
                HttpStatus status = HttpStatus.forStatus(e.getStatus());
                String message = switch (status) {
                    case CONTENT_TOO_LARGE -> "the body is over " + EventParser.MAX_RECORD_BYTES + " bytes, the most any request may send";
                    case NOT_FOUND -> "no route for " + ctx.method() + " " + ctx.path();
                    case METHOD_NOT_ALLOWED -> ctx.method() + " is not allowed on " + ctx.path();
                    default -> e.getMessage();
                };
                error(ctx, status, JsonErrorHandler.code(e.getStatus()), message);
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("Unhandled error on {} {}", ctx.method(), ctx.path(), e);
                error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "internal", "internal error; see the server log");
            });
        });
        app.start();
        log.info("HTTP listening on {}:{}", host, app.port());
        return new WebServer(app);
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
        log.info("HTTP server stopped");
    }

    static Map<String, Object> health(String version) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "healthy");
        body.put("service", SERVICE);
        body.put("version", version);
        return body;
    }

    private static void ready(Context ctx, Readiness readiness) {
        Readiness.Status status = readiness.check();
        if (status.ready()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", "ready");
            body.put("streams", status.detail());
            ctx.json(body);
        } else {
            ctx.header("Retry-After", "1");
            error(ctx, HttpStatus.SERVICE_UNAVAILABLE, "not_ready", "streams are " + status.detail());
        }
    }

    /** Prometheus text (0.0.4), or OpenMetrics when the scraper asks for it. */
    private static void scrape(Context ctx, PrometheusMeterRegistry metrics) {
        String accept = ctx.header("Accept");
        boolean openMetrics = accept != null && accept.contains("application/openmetrics-text");
        String type = openMetrics ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                : "text/plain; version=0.0.4; charset=utf-8";
        ctx.contentType(type).result(metrics.scrape(type));
    }

    static void error(Context ctx, HttpStatus status, String code, String message) {
        ctx.status(status).json(new ApiError(code, message).body());
    }
}
