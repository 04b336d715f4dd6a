package io.mediagateway.sync.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.ingest.EventParser;
import io.mediagateway.sync.testing.WsTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Random JSON into the write path — REST and WebSocket — with sizes around the limits, nesting around
 * the limit (and far past it) and odd Unicode (lone surrogates, pairs, controls, non-characters). The
 * property (contract §18): every write acknowledged is readable afterwards exactly as sent, every write
 * refused is refused up front with a JSON error, and nothing reaches the topology only to be
 * dead-lettered there. The seed is {@code -Dproperties.seed} (default 20261121); a failure names the
 * request that broke it.
 */
class WritePathFuzzTest {
    private static final int REQUESTS = 400;
    private static final Set<String> REFUSALS = Set.of("invalid_field", "invalid_json", "too_large", "invalid_content_id",
            "missing_field");
    @RegisterExtension
    final ApiFixture f = new ApiFixture();

    /** One write: where it goes, its body, and how to find it again once acknowledged. */
    private record Write(String kind, String body, String lookFor) {
    }

    @Test
    void whatIsAcknowledgedIsReadableAndWhatIsRefusedIsRefusedUpFront() throws Exception {
        long seed = Long.getLong("properties.seed", 20261121L);
        Random rnd = new Random(seed);
        String alice = f.user("alice", "tv");
        int acknowledged = 0;
        int refused = 0;
        try (WsTestClient ws = WsTestClient.connect(f.wsUrl(alice))) {
            assertThat(ws.next(Duration.ofSeconds(5))).contains("\"type\":\"snapshot\"");
            for (int i = 0; i < REQUESTS; i++) {
                Write write = rnd.nextBoolean() ? preference(rnd, i) : watchlistAdd(rnd, i);
                boolean overWebSocket = rnd.nextInt(4) == 0;
                String context = "seed " + seed + ", request " + i + (overWebSocket ? " (WebSocket)" : " (REST)") + ": "
                        + abbreviate(write.body());
                String token;
                if (overWebSocket) {
                    String message = "{\"type\":\"" + write.kind() + "\",\"id\":" + i + "," + write.body().substring(1);
                    ws.send(message);
                    JsonNode answer = answerTo(ws, i);
                    assertThat(answer).as(context + ": answered").isNotNull();
                    if ("ack".equals(answer.path("type").asText())) {
                        token = null;
                    } else {
                        assertThat(answer.path("type").asText()).as(context).isEqualTo("error");
                        assertThat(answer.path("error").asText()).as(context).isIn(REFUSALS);
                        token = "refused";
                    }
                } else {
                    String path = write.kind().equals("preference_update") ? "/api/v1/sync/preferences" : "/api/v1/sync/watchlist";
                    HttpResponse<String> r = f.post(path, alice, write.body());
                    if (r.statusCode() == 202) {
                        token = f.json(r).path("token").asText();
                    } else {
                        assertThat(r.statusCode()).as(context + " → " + r.body()).isIn(400, 413);
                        assertThat(f.json(r).path("error").asText()).as(context).isIn(REFUSALS);
                        token = "refused";
                    }
                }
                boolean wasRefused = "refused".equals(token);
                JsonNode stored = read(write, alice, wasRefused ? null : token);
                if (wasRefused) {
                    refused++;
                    assertThat(stored).as(context + ": refused, so nothing stored").isNull();
                } else {
                    acknowledged++;
                    JsonNode sent = Json.parse(write.body());
                    JsonNode expected = write.kind().equals("preference_update") ? sent.get("value")
                            : sent.path("content_metadata").path("title");
                    assertThat(stored).as(context + ": acknowledged, so readable as sent").isEqualTo(expected);
                }
                assertThat(f.deadLetterReasons()).as(context + ": nothing dead-lettered after the door").isEmpty();
            }
        }
        // both outcomes were exercised, in real numbers
        assertThat(acknowledged).isGreaterThan(REQUESTS / 5);
        assertThat(refused).isGreaterThan(REQUESTS / 5);
    }

    /** The answer to message {@code id}: the next with that id, or an error without one (its JSON did not parse). */
    private JsonNode answerTo(WsTestClient ws, int id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            String next = ws.next(Duration.ofMillis(100));
            if (next == null) {
                continue;
            }
            JsonNode message = f.json(next);
            if (message.path("id").asInt(-1) == id || (message.path("type").asText().equals("error") && !message.has("id"))) {
                return message;
            }
        }
        return null;
    }

    /** What alice's state holds for the write's key now (after its token when it has one), or null. */
    private JsonNode read(Write write, String alice, String token) throws Exception {
        String after = token == null ? "" : "?after=" + token;
        if (write.kind().equals("preference_update")) {
            HttpResponse<String> r = f.get("/api/v1/sync/preferences" + after, alice);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(f.json(r).has("errors")).as(r.body()).isFalse();
            return f.json(r).path("items").get(write.lookFor());
        }
        HttpResponse<String> r = f.get("/api/v1/sync/watchlist" + after, alice);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        for (JsonNode item : f.json(r).path("items")) {
            if (item.path("content_id").asText().equals(write.lookFor())) {
                return item.path("content_metadata").path("title");
            }
        }
        return null;
    }

    // ---- generators: JSON text written by hand, so any UTF-16 (lone surrogates too) can be escaped into it

    private static Write preference(Random rnd, int i) {
        String key = "k" + i + (rnd.nextInt(8) == 0 ? oddText(rnd, 1 + rnd.nextInt(4)) : "");
        String value = value(rnd, depth(rnd), rnd.nextInt(10) == 0 ? 5000 : 200);
        return new Write("preference_update", "{\"key\":" + quote(key) + ",\"value\":" + value + "}", key);
    }

    private static Write watchlistAdd(Random rnd, int i) {
        String content = "c" + i + ":" + (rnd.nextInt(6) == 0 ? oddText(rnd, 1 + rnd.nextInt(8)) : "x");
        if (rnd.nextInt(10) == 0) {
            content = content + "y".repeat(230 + rnd.nextInt(40)); // around the 255 characters of a content id
        }
        String head = "{\"operation\":\"add\",\"content_id\":" + quote(content) + ",\"content_metadata\":{\"title\":";
        String tail = ",\"year\":1999}}";
        // a body from well under to just over the record limit (the title fills it)
        int target = rnd.nextBoolean() ? 50 + rnd.nextInt(500)
                : EventParser.MAX_RECORD_BYTES - 600 + rnd.nextInt(900);
        String title = rnd.nextInt(5) == 0 ? oddText(rnd, 3) : "";
        int fill = Math.max(0, target - head.length() - tail.length() - quote(title).length());
        return new Write("watchlist_update", head + quote(title + "t".repeat(fill)) + tail, content);
    }

    /** Mostly within the limit of 32 levels, often right around it, now and then far past it. */
    private static int depth(Random rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> 30 + rnd.nextInt(5);
            case 1 -> 100 + rnd.nextInt(1000);
            default -> rnd.nextInt(5);
        };
    }

    private static String value(Random rnd, int depth, int maxString) {
        if (depth == 0) {
            return switch (rnd.nextInt(6)) {
                case 0 -> Long.toString(rnd.nextLong());
                case 1 -> Double.toString(rnd.nextGaussian() * 1e6);
                case 2 -> rnd.nextBoolean() ? "true" : "null";
                default -> quote(rnd.nextInt(3) == 0 ? oddText(rnd, 1 + rnd.nextInt(6)) : "v".repeat(rnd.nextInt(maxString)));
            };
        }
        if (rnd.nextBoolean()) {
            return "[" + value(rnd, depth - 1, maxString) + "]";
        }
        String name = rnd.nextInt(6) == 0 ? oddText(rnd, 2) : "n";
        return "{" + quote(name) + ":" + value(rnd, depth - 1, maxString) + "}";
    }

    /** Characters where bugs live: lone surrogates, pairs, controls, non-characters, the BOM, NUL. */
    private static String oddText(Random rnd, int length) {
        List<String> odd = new ArrayList<>(List.of("\uD800", "\uDFFF", "\uD83C\uDFAC", "\uDBFF\uDFFF", "\u0000", "\u001F",
                "\uFFFE", "\uFFFF", "\uFEFF", "\u200B", "é", "e\u0301", "?", "\"", "\\", "/", "\u2028"));
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(odd.get(rnd.nextInt(odd.size())));
        }
        return s.toString();
    }

    /** A JSON string: every surrogate and control escaped as \\uXXXX, the rest as it is. */
    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 150) + " … (" + s.length() + " chars) … " + s.substring(s.length() - 100);
    }
}
