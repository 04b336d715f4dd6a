package io.mediagateway.sync.ingest;

import static io.mediagateway.sync.deadletter.RejectReason.INVALID_JSON;
import static io.mediagateway.sync.deadletter.RejectReason.OVERSIZED;
import static io.mediagateway.sync.ingest.FieldRules.checkLimits;
import static io.mediagateway.sync.ingest.FieldRules.hasControlChars;
import static io.mediagateway.sync.ingest.FieldRules.invalid;
import static io.mediagateway.sync.ingest.FieldRules.shorten;
import static io.mediagateway.sync.ingest.FieldRules.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.model.Broadcast;
import io.mediagateway.sync.model.BroadcastChannel;
import java.nio.charset.StandardCharsets;

/**
 * Parses and validates one broadcast (contract §14): {@code {"channel", "msg_type", …payload}}, from
 * {@code POST /api/v1/broadcasts} and from the topic {@code sync.broadcasts} (keyed by channel) alike. Who may
 * post where is the caller's check ({@link BroadcastChannel#postableBy}); here: a channel of the four kinds that
 * anyone but the service itself posts to, a {@code msg_type}, the size PubNub accepts. Stateless.
 */
public final class BroadcastParser {
    /** The largest message PubNub publishes (32 KiB), less room for its envelope. */
    public static final int MAX_MESSAGE_BYTES = 30 * 1024;
    public static final int MAX_MSG_TYPE = 64;

    /** Parses a record of {@code sync.broadcasts}; its key, when present, must be the channel. */
    public Broadcast parse(byte[] value, String keyChannel) {
        Broadcast broadcast = parse(FieldRules.readJson(value, MAX_MESSAGE_BYTES));
        if (keyChannel != null && !keyChannel.equals(broadcast.channel().name())) {
            throw invalid("channel", "is '" + broadcast.channel().name() + "' but the record key is '" + shorten(keyChannel) + "'");
        }
        return broadcast;
    }

    /** Parses a broadcast already read as JSON. */
    public Broadcast parse(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new RejectedException(INVALID_JSON, "a broadcast must be a JSON object");
        }
        checkLimits(node);
        String name = text(node, "channel");
        BroadcastChannel channel = BroadcastChannel.parse(name).orElseThrow(() -> invalid("channel",
                "must be " + BroadcastChannel.rule() + ", not '" + shorten(name) + "'"));
        if (channel.kind() == BroadcastChannel.Kind.TRENDING) {
            throw invalid("channel", "'" + BroadcastChannel.TRENDING + "' is published by the service from its analytics, "
                    + "not posted");
        }
        String msgType = text(node, "msg_type");
        if (msgType.isEmpty() || msgType.length() > MAX_MSG_TYPE || hasControlChars(msgType)) {
            throw invalid("msg_type", "must be 1-" + MAX_MSG_TYPE + " printable characters");
        }
        String json = Json.canonical(Json.string(node));
        if (json.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
            throw new RejectedException(OVERSIZED, "the broadcast is over "
                    + MAX_MESSAGE_BYTES + " bytes, the most PubNub publishes");
        }
        return new Broadcast(channel, msgType, json);
    }
}
