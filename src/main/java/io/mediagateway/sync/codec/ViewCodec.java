package io.mediagateway.sync.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.crdt.LwwRegister;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.model.ContentMetadata;
import io.mediagateway.sync.model.DeviceActivity;
import io.mediagateway.sync.model.DeviceInfo;
import io.mediagateway.sync.model.DeviceRecord;
import io.mediagateway.sync.model.PlaybackPosition;
import io.mediagateway.sync.model.PreferenceValue;
import java.util.Optional;

/**
 * The API's views of a user's state (contract §6, §7): each item as the REST API and the WebSocket
 * snapshot show it, built from model values. The only place those views become JSON.
 */
public final class ViewCodec {
    private ViewCodec() {
    }

    /** {@code {"user_id": …}}, the envelope of every answer about one user. */
    public static ObjectNode envelope(String user) {
        ObjectNode out = Json.object();
        out.put("user_id", user);
        return out;
    }

    /** {@code {"content_id","unique_tags","device_id","hlc","content_metadata"}}: empty for an item no longer present. */
    public static Optional<ObjectNode> watchlistItem(String contentId, OrElement<ContentMetadata> element) {
        return element.newest().map(dot -> {
            ObjectNode item = Json.object();
            item.put("content_id", contentId);
            ArrayNode tags = item.putArray("unique_tags");
            element.live().keySet().forEach(tags::add);
            item.put("device_id", dot.getValue().stamp().deviceId());
            item.put("hlc", Long.toString(dot.getValue().stamp().hlc()));
            item.set("content_metadata", StateCodec.metadataNode(dot.getValue().metadata()));
            return item;
        });
    }

    /** The HLC a watchlist item's view shows (its newest add). */
    public static long watchlistHlc(OrElement<ContentMetadata> element) {
        return element.newest().map(dot -> dot.getValue().stamp().hlc()).orElse(0L);
    }

    /** A progress item with its derived fields: {@code completion_percent} (a ratio), {@code completed}, the resume position. */
    public static ObjectNode progressItem(String contentId, LwwRegister<PlaybackPosition> register) {
        PlaybackPosition p = register.value();
        ObjectNode item = StateCodec.positionNode(p);
        item.put("content_id", contentId);
        item.put("completion_percent", p.completionRatio());
        item.put("completed", p.completed());
        item.put("resume_position_seconds", p.resumePositionSeconds());
        item.put("device_id", register.stamp().deviceId());
        item.put("hlc", Long.toString(register.stamp().hlc()));
        return item;
    }

    /**
     * A preference's value as stored, checked against the limits of any value (contract §18).
     *
     * @throws Json.CodecException when it cannot be served (a value stored before the limits)
     */
    public static JsonNode preferenceValue(LwwRegister<PreferenceValue> register) {
        JsonNode value = Json.parse(register.value().canonicalJson());
        JsonLimits.check(value).ifPresent(v -> {
            throw new Json.CodecException("it " + v.problem());
        });
        return value;
    }

    /** A device of the registry, {@code online} as judged now, with what it is doing (contract §12). */
    public static ObjectNode deviceItem(String deviceId, DeviceRecord record, boolean online, DeviceActivity activity) {
        ObjectNode d = Json.object();
        d.put("device_id", deviceId);
        DeviceInfo info = record.info().map(LwwRegister::value).orElse(null);
        if (info != null) {
            d.setAll(StateCodec.infoNode(info));
        }
        d.put("online", online);
        if (record.lastSeenMs() != DeviceRecord.NEVER_SEEN) {
            d.put("last_seen", record.lastSeenMs());
        }
        d.put("activity", activity.activity());
        if (activity.contentId() != null) {
            ObjectNode playing = d.putObject("now_playing");
            playing.put("content_id", activity.contentId());
            playing.put("position_seconds", activity.positionSeconds());
        }
        return d;
    }

    /** One value an answer leaves out because it cannot be served, named alone. */
    public static ObjectNode unreadable(String part, String key, String message) {
        ObjectNode error = Json.object();
        error.put("part", part);
        error.put("key", key);
        error.put("error", "unreadable_value");
        error.put("message", "the stored value cannot be served: " + message);
        return error;
    }
}
