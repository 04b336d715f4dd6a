package io.mediagateway.sync.web;

import io.mediagateway.sync.codec.DeltaCodec;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.model.ChangeCursor;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** This instance's WebSocket sessions by user: where the delta fan-out delivers. */
public final class WsSessions {
    private final ConcurrentHashMap<String, Set<WsClient>> byUser = new ConcurrentHashMap<>();

    void add(WsClient client) {
        byUser.computeIfAbsent(client.userId, u -> ConcurrentHashMap.newKeySet()).add(client);
    }

    void remove(WsClient client) {
        byUser.computeIfPresent(client.userId, (u, set) -> {
            set.remove(client);
            return set.isEmpty() ? null : set;
        });
    }

    /** Whether any session of {@code userId} is connected here (the fan-out skips the rest cheaply). */
    public boolean has(String userId) {
        return byUser.containsKey(userId);
    }

    /** Whether a session of that user's device is connected here. */
    boolean hasDevice(String userId, String deviceId) {
        Set<WsClient> clients = byUser.get(userId);
        return clients != null && clients.stream().anyMatch(c -> deviceId.equals(c.deviceId));
    }

    /**
     * Queues a delta of {@code userId} (its bytes on {@code sync.state-deltas}) to every session of that user; a
     * notification that expired while it waited is not (contract §14).
     *
     * @throws Json.CodecException when it is not a delta
     */
    public void deliver(String userId, byte[] delta) {
        Set<WsClient> clients = byUser.get(userId);
        if (clients != null) {
            DeltaCodec.Push push = DeltaCodec.push(delta);
            if (push.expiredAt(System.currentTimeMillis())) {
                return;
            }
            ChangeCursor cursor = push.cursor() == null ? null : ChangeCursor.decode(userId, push.cursor()).orElse(null);
            clients.forEach(c -> c.offer(push.message(), cursor));
        }
    }

    public int size() {
        return byUser.values().stream().mapToInt(Set::size).sum();
    }
}
