package io.mediagateway.sync.testing;

import co.nstant.in.cbor.CborEncoder;
import co.nstant.in.cbor.CborException;
import co.nstant.in.cbor.model.ByteString;
import co.nstant.in.cbor.model.DataItem;
import co.nstant.in.cbor.model.UnicodeString;
import co.nstant.in.cbor.model.UnsignedInteger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.mediagateway.sync.codec.Json;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A local stand-in for PubNub, speaking its HTTP protocol as the official SDK calls it, so the SDK runs
 * unmodified against it:
 * <ul>
 * <li>publish: {@code GET /publish/{pub}/{sub}/{sig}/{channel}/{callback}/{message}} or {@code POST} of the same
 * path without the message, which is then the body; {@code meta} and the publisher's {@code uuid} in the query.
 * It answers as PubNub does — {@code [1,"Sent","<17-digit timetoken>"]} — or, when a test scripts it, with an
 * error status and headers (a 429 with {@code Retry-After}, a 500, a 400). Messages over 32 KiB are refused with
 * 413, as PubNub refuses them. Every accepted message is kept with its timetoken, for subscribe and history.</li>
 * <li>Access Manager v3 grant: {@code POST /v3/pam/{sub}/grant} with the permissions as JSON, signed with the
 * secret key (the {@code v2.} HMAC-SHA256 signature over method, publish key, path, sorted query and body, and
 * a {@code timestamp} within a minute); answers a CBOR token the SDK's {@code parseToken} reads, or 403 on a bad
 * signature or when a test refuses grants.</li>
 * <li>subscribe: {@code GET /v2/subscribe/{sub}/{channels}/0?tt=…}: {@code tt=0} answers the current timetoken at
 * once (the handshake); else the messages after {@code tt} on the channels (a {@code name.*} pattern matches every
 * channel under {@code name.}), waiting up to {@link #subscribeWait} for one (long poll).</li>
 * <li>history: {@code GET /v3/history/sub-key/{sub}/channel/{channels}?start=&end=&max=}: {@code start} exclusive,
 * {@code end} inclusive; as PubNub, the newest {@code max} of the range, oldest first (older ones are paged by
 * passing the oldest timetoken returned as {@code start}).</li>
 * <li>{@code /time}, and presence calls (answered OK).</li>
 * </ul>
 * Served by Jetty (through Javalin): the JDK's own HTTP server serializes its responses and capped the stand-in
 * near 2,000 requests/s whatever the client's concurrency.
 */
public final class PubNubStandIn implements AutoCloseable {

    /** A publish the stand-in accepted, in arrival order: the message's JSON as sent, its publisher, its timetoken. */
    public record Publish(String channel, String message, String meta, long atNanos, String publisher, long timetoken) {
        Publish(String channel, String message, String meta, long atNanos) {
            this(channel, message, meta, atNanos, null, 0);
        }
    }

    /** A grant the stand-in answered with a token: who it is bound to, its life and channel permissions (bit masks). */
    public record GrantRequest(String authorizedUuid, int ttlMinutes, Map<String, Integer> channels,
                               Map<String, Integer> channelPatterns, String token) {
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
    /** PubNub's timetokens: 100 ns units since the epoch, unique and increasing. */
    private final AtomicLong timetoken = new AtomicLong(System.currentTimeMillis() * 10_000L);
    private volatile Function<String, Answer> script = channel -> null;
    private volatile Duration latency = Duration.ZERO;
    private volatile Duration subscribeWait = Duration.ofSeconds(2);
    private volatile int subscribeKeeps = Integer.MAX_VALUE;
    private volatile String publishKey = "pub-key";
    private volatile String secretKey = "sec-key";
    private volatile Answer grantAnswer;
    private final List<GrantRequest> grants = new ArrayList<>();
    private final AtomicInteger grantRequests = new AtomicInteger();
    /** Every accepted message in timetoken order, for subscribe and history; guarded by itself. */
    private final List<Publish> log = new ArrayList<>();
    private final List<String> historyDeletes = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final String host;

    private PubNubStandIn(String host) {
        this.host = host;
        server = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = host;
            config.jetty.port = 0;
            config.routes.get("/*", this::handle);
            config.routes.post("/*", this::handle);
            config.routes.delete("/*", this::handle);
        });
        server.start();
    }

    public static PubNubStandIn start() {
        return new PubNubStandIn("127.0.0.1");
    }

    /** A stand-in listening on {@code host} (e.g. the address a network namespace reaches this machine by). */
    public static PubNubStandIn start(String host) {
        return new PubNubStandIn(host);
    }

    /** {@code host:port}, for {@code PUBNUB_ORIGIN} with {@code PUBNUB_SECURE=false}. */
    public String origin() {
        return host + ":" + server.port();
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

    /** The publish and secret keys grants are signed with (by default {@code pub-key} and {@code sec-key}). */
    public void keys(String publishKey, String secretKey) {
        this.publishKey = publishKey;
        this.secretKey = secretKey;
    }

    /** Answers every grant with {@code answer} (a 403, a 500) until called with null. */
    public void refuseGrants(Answer answer) {
        this.grantAnswer = answer;
    }

    /** The grants answered with a token so far. */
    public List<GrantRequest> grants() {
        synchronized (grants) {
            return List.copyOf(grants);
        }
    }

    /** Grant requests received, answered or not. */
    public int grantRequests() {
        return grantRequests.get();
    }

    /**
     * How many of each channel's newest messages a subscribe from an old timetoken still delivers (PubNub's buffer;
     * unlimited by default): older ones are in history only.
     */
    public void subscribeKeeps(int perChannel) {
        this.subscribeKeeps = perChannel;
    }

    /** How long a subscribe with nothing to deliver is held before it is answered empty (default 2 s). */
    public void subscribeWait(Duration wait) {
        this.subscribeWait = wait;
    }

    /**
     * Stores a message as if {@code publisher} had published it on {@code channel} (what a device's publish
     * leaves), without the HTTP round trip: for benchmarks measuring what takes the messages, not what sends them.
     */
    public long inject(String channel, String json, String publisher) {
        synchronized (log) {
            long tt = timetoken.updateAndGet(t -> Math.max(t + 1, System.currentTimeMillis() * 10_000L));
            log.add(new Publish(channel, json, null, System.nanoTime(), publisher, tt));
            log.notifyAll();
            return tt;
        }
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
        if (parts.length >= 5 && "v3".equals(parts[1]) && "pam".equals(parts[2]) && "grant".equals(parts[4])) {
            grant(ctx, path);
            return;
        }
        if (parts.length >= 5 && "v2".equals(parts[1]) && "subscribe".equals(parts[2])) {
            subscribe(ctx, decode(parts[4]));
            return;
        }
        if (parts.length >= 7 && "v3".equals(parts[1]) && "history".equals(parts[2])) {
            if ("DELETE".equals(ctx.method().name())) {
                deleteHistory(ctx, decode(parts[6]));
            } else {
                history(ctx, decode(parts[6]));
            }
            return;
        }
        if (parts.length >= 3 && "v2".equals(parts[1]) && "presence".equals(parts[2])) {
            respond(ctx, 200, Map.of(), "{\"status\":200,\"message\":\"OK\",\"service\":\"Presence\"}");
            return;
        }
        if (parts.length < 7 || !"publish".equals(parts[1])) {
            respond(ctx, 404, Map.of(), "{\"error\":true,\"message\":\"not found\"}");
            return;
        }
        String channel = decode(parts[5]);
        String message = parts.length >= 8 ? decode(parts[7]) : ctx.body();
        Map<String, String> params = query(ctx.req().getQueryString());
        String meta = params.get("meta");
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
        Publish accepted;
        synchronized (log) {
            long tt = timetoken.updateAndGet(t -> Math.max(t + 1, System.currentTimeMillis() * 10_000L));
            accepted = new Publish(channel, message, meta, System.nanoTime(), params.get("uuid"), tt);
            log.add(accepted);
            log.notifyAll();
        }
        synchronized (published) {
            published.add(accepted);
        }
        respond(ctx, 200, Map.of(), "[1,\"Sent\",\"" + accepted.timetoken() + "\"]");
    }

    // ---- Access Manager v3

    private void grant(Context ctx, String path) {
        grantRequests.incrementAndGet();
        String body = ctx.body();
        Map<String, String> params = query(ctx.req().getQueryString());
        String problem = signatureProblem("POST", path, params, body);
        if (problem != null) {
            respond(ctx, 403, Map.of(), "{\"status\":403,\"error\":{\"message\":\"Forbidden\",\"source\":\"grant\","
                    + "\"details\":[{\"message\":" + Json.mapper().valueToTree(problem) + "}]},\"service\":\"Access Manager\"}");
            return;
        }
        Answer refusal = grantAnswer;
        if (refusal != null) {
            respond(ctx, refusal.status(), refusal.headers(), refusal.body());
            return;
        }
        JsonNode request = Json.parse(body.getBytes(StandardCharsets.UTF_8));
        JsonNode permissions = request.get("permissions");
        Map<String, Integer> channels = bits(permissions.path("resources").path("channels"));
        Map<String, Integer> patterns = bits(permissions.path("patterns").path("channels"));
        String uuid = permissions.path("uuid").isTextual() ? permissions.get("uuid").asText() : null;
        int ttl = request.get("ttl").asInt();
        String token = token(ttl, uuid, channels, patterns);
        synchronized (grants) {
            grants.add(new GrantRequest(uuid, ttl, channels, patterns, token));
        }
        respond(ctx, 200, Map.of(), "{\"status\":200,\"data\":{\"message\":\"Success\",\"token\":\"" + token
                + "\"},\"service\":\"Access Manager\"}");
    }

    /** Why the request's signature is not PubNub's v2 signature with the secret key; null when it is. */
    private String signatureProblem(String method, String path, Map<String, String> params, String body) {
        String signature = params.get("signature");
        String timestamp = params.get("timestamp");
        if (signature == null || timestamp == null) {
            return "the request is not signed (no signature or timestamp)";
        }
        long skew = Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp));
        if (skew > 60) {
            return "the timestamp is " + skew + " s away";
        }
        TreeMap<String, String> sorted = new TreeMap<>(params);
        sorted.remove("signature");
        StringBuilder query = new StringBuilder();
        sorted.forEach((k, v) -> query.append(query.length() == 0 ? "" : "&").append(k).append('=').append(pamEncode(v)));
        String signed = method + "\n" + publishKey + "\n" + path + "\n" + query + "\n" + body;
        String expected = "v2." + Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(secretKey, signed));
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), signature.getBytes(StandardCharsets.UTF_8))
                ? null : "signature mismatch";
    }

    private static String pamEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A");
    }

    private static byte[] hmac(String key, String data) {
        return hmac(key, data.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(String key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Integer> bits(JsonNode node) {
        Map<String, Integer> out = new TreeMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asInt()));
        return out;
    }

    /** A PAM v3 token as PubNub shapes it: a CBOR map (version, time, ttl, resources, patterns, meta, uuid, signature), base64url. */
    private String token(int ttl, String uuid, Map<String, Integer> channels, Map<String, Integer> patterns) {
        co.nstant.in.cbor.model.Map token = new co.nstant.in.cbor.model.Map();
        token.put(new UnicodeString("v"), new UnsignedInteger(2));
        token.put(new UnicodeString("t"), new UnsignedInteger(System.currentTimeMillis() / 1000));
        token.put(new UnicodeString("ttl"), new UnsignedInteger(ttl));
        token.put(new UnicodeString("res"), resources(channels));
        token.put(new UnicodeString("pat"), resources(patterns));
        token.put(new UnicodeString("meta"), new co.nstant.in.cbor.model.Map());
        if (uuid != null) {
            token.put(new UnicodeString("uuid"), new UnicodeString(uuid));
        }
        token.put(new UnicodeString("sig"), new ByteString(hmac(secretKey, cbor(token))));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(cbor(token));
    }

    private static co.nstant.in.cbor.model.Map resources(Map<String, Integer> channels) {
        co.nstant.in.cbor.model.Map chan = new co.nstant.in.cbor.model.Map();
        channels.forEach((name, bits) -> chan.put(new UnicodeString(name), new UnsignedInteger(bits)));
        co.nstant.in.cbor.model.Map res = new co.nstant.in.cbor.model.Map();
        res.put(new UnicodeString("chan"), chan);
        for (String other : List.of("grp", "uuid", "usr", "spc")) {
            res.put(new UnicodeString(other), new co.nstant.in.cbor.model.Map());
        }
        return res;
    }

    private static byte[] cbor(DataItem item) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new CborEncoder(out).encode(item);
        } catch (CborException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    // ---- subscribe and history

    private void subscribe(Context ctx, String channelList) throws InterruptedException {
        Map<String, String> params = query(ctx.req().getQueryString());
        long since = Long.parseLong(params.getOrDefault("tt", "0"));
        List<String> patterns = List.of(channelList.split(","));
        ObjectNode answer = Json.object();
        ArrayNode messages = answer.putArray("m");
        long cursor;
        synchronized (log) {
            if (since == 0) {
                cursor = timetoken.get();
            } else {
                long deadline = System.nanoTime() + subscribeWait.toNanos();
                List<Publish> found = after(since, patterns);
                while (found.isEmpty() && System.nanoTime() < deadline) {
                    log.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                    found = after(since, patterns);
                }
                cursor = found.isEmpty() ? Math.max(since, timetoken.get()) : found.get(found.size() - 1).timetoken();
                for (Publish p : found) {
                    ObjectNode m = messages.addObject();
                    m.put("a", "1");
                    m.put("f", 0);
                    if (p.publisher() != null) {
                        m.put("i", p.publisher());
                    }
                    m.putObject("p").put("t", Long.toString(p.timetoken())).put("r", 1);
                    m.put("k", "sub-key");
                    m.put("c", p.channel());
                    m.set("d", Json.parse(p.message().getBytes(StandardCharsets.UTF_8)));
                    m.put("b", patterns.stream().filter(pt -> matches(pt, p.channel())).findFirst().orElse(p.channel()));
                    if (p.meta() != null) {
                        m.set("u", Json.parse(p.meta().getBytes(StandardCharsets.UTF_8)));
                    }
                }
            }
        }
        answer.putObject("t").put("t", Long.toString(cursor)).put("r", 1);
        respond(ctx, 200, Map.of(), new String(Json.bytes(answer), StandardCharsets.UTF_8));
    }

    /** At most 100 messages after {@code since} on the channels, oldest first; the caller holds the log. */
    private List<Publish> after(long since, List<String> patterns) {
        Map<String, Integer> newer = new HashMap<>();
        if (subscribeKeeps != Integer.MAX_VALUE) {
            for (int i = log.size() - 1; i >= 0 && log.get(i).timetoken() > since; i--) {
                newer.merge(log.get(i).channel(), 1, Integer::sum);
            }
        }
        List<Publish> out = new ArrayList<>();
        for (int i = firstAfter(since); i < log.size() && out.size() < 100; i++) {
            Publish candidate = log.get(i);
            // Of a channel's messages after since, PubNub's buffer still holds the newest subscribeKeeps.
            int newerOnChannel = newer.isEmpty() ? 0 : newer.merge(candidate.channel(), -1, Integer::sum);
            if (newerOnChannel < subscribeKeeps && patterns.stream().anyMatch(p -> matches(p, candidate.channel()))) {
                out.add(candidate);
            }
        }
        return out;
    }

    /** The index of the log's first message after {@code since} (the log is in timetoken order). */
    private int firstAfter(long since) {
        int lo = 0;
        int hi = log.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (log.get(mid).timetoken() <= since) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static boolean matches(String pattern, String channel) {
        return pattern.endsWith(".*") ? channel.startsWith(pattern.substring(0, pattern.length() - 1)) : pattern.equals(channel);
    }

    /** Message Persistence's delete: the channels' messages (in {@code start}/{@code end} when given) leave the history. */
    private void deleteHistory(Context ctx, String channelList) {
        Map<String, String> params = query(ctx.req().getQueryString());
        Long start = params.containsKey("start") ? Long.parseLong(params.get("start")) : null;
        Long end = params.containsKey("end") ? Long.parseLong(params.get("end")) : null;
        List<String> channels = List.of(channelList.split(","));
        synchronized (log) {
            log.removeIf(p -> channels.contains(p.channel()) && (start == null || p.timetoken() < start)
                    && (end == null || p.timetoken() >= end));
        }
        historyDeletes.addAll(channels);
        respond(ctx, 200, Map.of(), "{\"status\":200,\"error\":false,\"error_message\":\"\"}");
    }

    /** The channels whose history was deleted, in order. */
    public List<String> historyDeletes() {
        return List.copyOf(historyDeletes);
    }

    /** What the history of {@code channel} holds now: the messages' JSON, oldest first. */
    public List<String> historyOf(String channel) {
        synchronized (log) {
            return log.stream().filter(p -> p.channel().equals(channel)).map(Publish::message).toList();
        }
    }

    private void history(Context ctx, String channelList) {
        Map<String, String> params = query(ctx.req().getQueryString());
        Long start = params.containsKey("start") ? Long.parseLong(params.get("start")) : null;
        Long end = params.containsKey("end") ? Long.parseLong(params.get("end")) : null;
        List<String> channels = List.of(channelList.split(","));
        int max = Integer.parseInt(params.getOrDefault("max", channels.size() > 1 ? "25" : "100"));
        ObjectNode answer = Json.object();
        answer.put("status", 200).put("error", false).put("error_message", "");
        ObjectNode byChannel = answer.putObject("channels");
        synchronized (log) {
            for (String channel : channels) {
                List<Publish> in = new ArrayList<>();
                for (Publish p : log) {
                    if (p.channel().equals(channel) && (start == null || p.timetoken() < start)
                            && (end == null || p.timetoken() >= end)) {
                        in.add(p);
                    }
                }
                if (in.isEmpty()) {
                    continue;
                }
                // PubNub answers the newest {@code max} of the range, oldest first; older ones are paged with start.
                List<Publish> page = in.subList(Math.max(0, in.size() - max), in.size());
                ArrayNode items = byChannel.putArray(channel);
                for (Publish p : page) {
                    ObjectNode item = items.addObject();
                    item.set("message", Json.parse(p.message().getBytes(StandardCharsets.UTF_8)));
                    item.put("timetoken", Long.toString(p.timetoken()));
                    if (p.publisher() != null) {
                        item.put("uuid", p.publisher());
                    }
                    if (p.meta() != null) {
                        item.set("meta", Json.parse(p.meta().getBytes(StandardCharsets.UTF_8)));
                    }
                }
            }
        }
        respond(ctx, 200, Map.of(), new String(Json.bytes(answer), StandardCharsets.UTF_8));
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
