package io.mediagateway.sync.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A local stand-in for PubNub's publish API, for the official SDK to talk to: {@code GET
 * /publish/{pub}/{sub}/{sig}/{channel}/{callback}/{message}} or {@code POST} of the same path without
 * the message, which is then the body; {@code meta} in the query. It answers as PubNub does —
 * {@code [1,"Sent","<17-digit timetoken>"]} — or, when a test scripts it, with an error status and
 * headers (a 429 with {@code Retry-After}, a 500, a 400). Messages over 32 KiB are refused with 413,
 * as PubNub refuses them. Start the JVM with {@code -Dsun.net.httpserver.nodelay=true}.
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

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(32);
    private final List<Publish> published = new ArrayList<>();
    private final List<Refusal> refused = new ArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong timetoken = new AtomicLong(17_000_000_000_000_000L);
    private volatile Function<String, Answer> script = channel -> null;
    private volatile Duration latency = Duration.ZERO;

    private PubNubStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public static PubNubStandIn start() throws IOException {
        return new PubNubStandIn();
    }

    /** {@code host:port}, for {@code PUBNUB_ORIGIN} with {@code PUBNUB_SECURE=false}. */
    public String origin() {
        return "127.0.0.1:" + server.getAddress().getPort();
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

    /** The publishes refused so far, in arrival order. */
    public List<Refusal> refused() {
        synchronized (refused) {
            return List.copyOf(refused);
        }
    }

    public int requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            if (!latency.isZero()) {
                Thread.sleep(latency.toMillis());
            }
            String path = exchange.getRequestURI().getRawPath();
            String[] parts = path.split("/");
            if (parts.length >= 2 && "time".equals(parts[1])) {
                respond(exchange, 200, Map.of(), "[" + timetoken.incrementAndGet() + "]");
                return;
            }
            if (parts.length < 7 || !"publish".equals(parts[1])) {
                respond(exchange, 404, Map.of(), "{\"error\":true,\"message\":\"not found\"}");
                return;
            }
            String channel = decode(parts[5]);
            byte[] body = exchange.getRequestBody().readAllBytes();
            String message = parts.length >= 8 ? decode(parts[7]) : new String(body, StandardCharsets.UTF_8);
            String meta = query(exchange.getRequestURI().getRawQuery()).get("meta");
            Answer answer = script.apply(channel);
            if (answer == null && message.getBytes(StandardCharsets.UTF_8).length > 32 * 1024) {
                answer = new Answer(413, Map.of(), "[0,\"Message Too Large\",\"0\"]");
            }
            if (answer != null) {
                synchronized (refused) {
                    refused.add(new Refusal(new Publish(channel, message, meta, System.nanoTime()), answer.status()));
                }
                respond(exchange, answer.status(), answer.headers(), answer.body());
                return;
            }
            long tt = timetoken.incrementAndGet();
            synchronized (published) {
                published.add(new Publish(channel, message, meta, System.nanoTime()));
            }
            respond(exchange, 200, Map.of(), "[1,\"Sent\",\"" + tt + "\"]");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void respond(HttpExchange exchange, int status, Map<String, String> headers, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
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
        server.stop(0);
        executor.shutdownNow();
    }
}
