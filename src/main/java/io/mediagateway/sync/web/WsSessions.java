package io.mediagateway.sync.web;

import io.mediagateway.sync.codec.DeltaCodec;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.model.BroadcastChannel;
import io.mediagateway.sync.model.ChangeCursor;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This instance's WebSocket sessions by user — where the delta fan-out delivers — and by the broadcast channels
 * they follow (contract §14): every session follows {@code global.*}; a region or platform channel only the
 * sessions that follow it. A session is in a set once, so a broadcast reaches it once however it follows.
 */
public final class WsSessions {
    private final ConcurrentHashMap<String, Set<WsClient>> byUser = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<WsClient>> byChannel = new ConcurrentHashMap<>();

    void add(WsClient client) {
        byUser.computeIfAbsent(client.userId, u -> ConcurrentHashMap.newKeySet()).add(client);
    }

    void remove(WsClient client) {
        byUser.computeIfPresent(client.userId, (u, set) -> {
            set.remove(client);
            return set.isEmpty() ? null : set;
        });
        for (String channel : client.channels()) {
            unfollow(client, channel);
        }
    }

    /** The session follows a region or platform channel (the {@code global.*} ones it follows anyway). */
    void follow(WsClient client, BroadcastChannel channel) {
        if (!channel.global() && client.channels().add(channel.name())) {
            byChannel.computeIfAbsent(channel.name(), c -> ConcurrentHashMap.newKeySet()).add(client);
            if (!byUser.getOrDefault(client.userId, Set.of()).contains(client)) {
                unfollow(client, channel.name()); // the session closed meanwhile: nothing may keep it
            }
        }
    }

    void unfollow(WsClient client, String channel) {
        if (client.channels().remove(channel)) {
            byChannel.computeIfPresent(channel, (c, set) -> {
                set.remove(client);
                return set.isEmpty() ? null : set;
            });
        }
    }

    /**
     * Queues a broadcast message to every session that follows {@code channel}; how many. Each session queues on
     * its own ({@link WsClient#offer}), so a slow one holds up nobody.
     */
    public int broadcast(BroadcastChannel channel, String message) {
        int n = 0;
        if (channel.global()) {
            for (Set<WsClient> clients : byUser.values()) {
                for (WsClient c : clients) {
                    c.offer(message);
                    n++;
                }
            }
        } else {
            for (WsClient c : byChannel.getOrDefault(channel.name(), Set.of())) {
                c.offer(message);
                n++;
            }
        }
        return n;
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
