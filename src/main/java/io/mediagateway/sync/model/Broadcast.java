package io.mediagateway.sync.model;

import java.util.Objects;

/**
 * One message for a broadcast channel (contract §14): its {@code msg_type} and the whole message as canonical
 * JSON (sorted keys), as it goes to PubNub and to the WebSocket sessions that follow the channel.
 */
public record Broadcast(BroadcastChannel channel, String msgType, String json) {
    public Broadcast {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(msgType, "msgType");
        Objects.requireNonNull(json, "json");
    }
}
