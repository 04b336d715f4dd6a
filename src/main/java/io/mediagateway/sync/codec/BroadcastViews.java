package io.mediagateway.sync.codec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.model.BroadcastHistory;
import java.time.Instant;

/**
 * Broadcasts as the API shows them (contract §14): a WebSocket push
 * {@code {"type":"broadcast","channel","cursor","published_at","message":{…}}} and the answer of
 * {@code GET /api/v1/broadcasts/{channel}}; and the message {@code global.trending} carries,
 * {@code {"msg_type":"trending_update","items":[…],"window_end"}}.
 */
public final class BroadcastViews {
    private BroadcastViews() {
    }

    /** The WebSocket message of one broadcast. */
    public static String push(String channel, BroadcastHistory.Entry entry) {
        ObjectNode out = Json.object();
        out.put("type", "broadcast");
        out.put("channel", channel);
        out.put("cursor", entry.cursor());
        out.put("published_at", Instant.ofEpochMilli(entry.atMs()).toString());
        out.putRawValue("message", new com.fasterxml.jackson.databind.util.RawValue(entry.json()));
        return Json.string(out);
    }

    /** {@code {"channel","messages":[{"cursor","published_at","message"}],"cursor","reset"?}}. */
    public static ObjectNode history(String channel, BroadcastHistory.Since since, String givenCursor) {
        ObjectNode out = Json.object();
        out.put("channel", channel);
        ArrayNode messages = out.putArray("messages");
        for (BroadcastHistory.Entry e : since.entries()) {
            ObjectNode m = messages.addObject();
            m.put("cursor", e.cursor());
            m.put("published_at", Instant.ofEpochMilli(e.atMs()).toString());
            m.set("message", Json.parse(e.json()));
        }
        String last = since.entries().isEmpty() ? givenCursor : since.entries().get(since.entries().size() - 1).cursor();
        if (last != null) {
            out.put("cursor", last);
        } else {
            out.putNull("cursor");
        }
        if (since.reset()) {
            out.put("reset", true);
        }
        return out;
    }

    /** At most this many contents in a {@code trending_update} (the specification's top 100). */
    public static final int TRENDING_TOP = 100;

    /**
     * What {@code global.trending} carries for a record of {@code sync.analytics.trending} (the specification's
     * {@code trending_update}): its first {@link #TRENDING_TOP} items and its {@code window_end}.
     *
     * @throws Json.CodecException when the record is not a trending list
     */
    public static String trendingUpdate(byte[] trendingRecord) {
        var list = Json.parse(trendingRecord);
        var items = list.get("items");
        if (!list.isObject() || items == null || !items.isArray() || !list.path("window_end").isTextual()) {
            throw new Json.CodecException("a trending list has 'items' and 'window_end'");
        }
        ObjectNode out = Json.object();
        out.put("msg_type", "trending_update");
        ArrayNode top = out.putArray("items");
        for (int i = 0; i < Math.min(TRENDING_TOP, items.size()); i++) {
            top.add(items.get(i));
        }
        out.put("window_end", list.get("window_end").asText());
        return Json.canonical(Json.string(out));
    }
}
