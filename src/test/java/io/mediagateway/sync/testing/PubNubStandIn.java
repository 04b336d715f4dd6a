package io.mediagateway.sync.testing;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A local stand-in for PubNub's publish API, for the official SDK to talk to: {@code GET
 * /publish/{pub}/{sub}/{sig}/{channel}/{callback}/{message}} or {@code POST} of the same path without
 * the message, which is then the body; {@code meta} in the query. It answers as PubNub does —
 * {@code [1,"Sent","<17-digit timetoken>"]} — or, when a test scripts it, with an error status and
 * headers (a 429 with {@code Retry-After}, a 500, a 400). Messages over 32 KiB are refused with 413,
 * as PubNub refuses them. Served by Jetty (through Javalin): the JDK's own HTTP server serializes its
 * responses and capped the stand-in near 2,000 requests/s whatever the client's concurrency.
 */
public final class PubNubStandIn implements AutoCloseable {

    /** A publish the stand-in accepted, in arrival order. */
    public record Publish(String channel, String message, String meta, long atNanos) {
    }

    /** A publish the stand-in refused (as scripted, or too large), and the status it answered. */
    public record Refusal(Publish publish, int status) {
    }

    /** An answer other than success: status, headers, body. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public static Answer error(int status) {
            return new Answer(status, Map.of(), "[0,\"Error " + status + "\",\"0\"]");
        }

        public static Answer throttled(int retryAfterSeconds) {
            return new Answer(429, Map.of("Retry-After", Integer.toString(retryAfterSeconds)),
                    "{\"status\":429,\"error\":true,\"message\":\"Too Many Requests\"}");
        }
    }

    private final Javalin server;
    private final List<Publish> published = new ArrayList<>();
    private final List<Refusal> refused = new ArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong timetoken = new AtomicLong(17_000_000_000_000_000L);
    private volatile Function<String, Answer> script = channel -> null;
    private volatile Duration latency = Duration.ZERO;

    private PubNubStandIn() {
        server = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            config.routes.get("/*", this::handle);
            config.routes.post("/*", this::handle);
        });
        server.start();
    }

    public static PubNubStandIn start() {
        return new PubNubStandIn();
    }

    /** {@code host:port}, for {@code PUBNUB_ORIGIN} with {@code PUBNUB_SECURE=false}. */
    public String origin() {
        return "127.0.0.1:" + server.port();
    }

    /** From now on, answers each publish with {@code script.apply(channel)}, or accepts it when that is null. */
    public void script(Function<String, Answer> script) {
        this.script = script;
    }

    /** Answers the next {@code n} publishes with {@code answer}, then accepts again. */
    public void failNext(int n, Answer answer) {
        AtomicInteger left = new AtomicInteger(n);
        script(channel -> left.getAndDecrement() > 0 ? answer : null);
    }

    /** Waits this long before answering each request (a network's round trip). */
    public void latency(Duration latency) {
        this.latency = latency;
    }

    public List<Publish> published() {
        synchronized (published) {
            return List.copyOf(published);
        }
    }

    /** How many publishes were accepted so far (without copying them). */
    public int publishedCount() {
        synchronized (published) {
            return published.size();
        }
    }

    /** The publishes refused so far, in arrival order. */
    public List<Refusal> refused() {
        synchronized (refused) {
            return List.copyOf(refused);
        }
    }

    public int requests() {
        return requests.get();
    }

    private void handle(Context ctx) throws InterruptedException {
        requests.incrementAndGet();
        if (!latency.isZero()) {
            Thread.sleep(latency.toMillis());
        }
        String path = ctx.req().getRequestURI(); // raw: still percent-encoded
        String[] parts = path.split("/");
        if (parts.length >= 2 && "time".equals(parts[1])) {
            respond(ctx, 200, Map.of(), "[" + timetoken.incrementAndGet() + "]");
            return;
        }
        if (parts.length < 7 || !"publish".equals(parts[1])) {
            respond(ctx, 404, Map.of(), "{\"error\":true,\"message\":\"not found\"}");
            return;
        }
        String channel = decode(parts[5]);
        String message = parts.length >= 8 ? decode(parts[7]) : ctx.body();
        String meta = query(ctx.req().getQueryString()).get("meta");
        Answer answer = script.apply(channel);
        if (answer == null && message.getBytes(StandardCharsets.UTF_8).length > 32 * 1024) {
            answer = new Answer(413, Map.of(), "[0,\"Message Too Large\",\"0\"]");
        }
        if (answer != null) {
            synchronized (refused) {
                refused.add(new Refusal(new Publish(channel, message, meta, System.nanoTime()), answer.status()));
            }
            respond(ctx, answer.status(), answer.headers(), answer.body());
            return;
        }
        long tt = timetoken.incrementAndGet();
        synchronized (published) {
            published.add(new Publish(channel, message, meta, System.nanoTime()));
        }
        respond(ctx, 200, Map.of(), "[1,\"Sent\",\"" + tt + "\"]");
    }

    private static void respond(Context ctx, int status, Map<String, String> headers, String body) {
        ctx.status(status);
        headers.forEach(ctx::header);
        ctx.contentType("application/json; charset=UTF-8");
        ctx.result(body);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq), decode(pair.substring(eq + 1)));
            }
        }
        return out;
    }

    /** Percent-decoding without turning {@code +} into a space (PubNub's paths are not form-encoded). */
    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop();
    }
}
