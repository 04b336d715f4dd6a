package io.mediagateway.sync.egress.pubnub;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the PubNub ingress is (contract §15), as {@code sync.pubnub-ingress} holds it: per channel, the timetoken of
 * the last message taken from it; and {@code *}, the newest timetoken taken from the subscription, where a new
 * subscriber resumes. PubNub's timetokens increase per channel, and both the subscription and history deliver a
 * channel's messages oldest first, so a message is new exactly when its timetoken is above its channel's cursor:
 * that is the ingress's deduplication, across history and subscription and across subscribers. A channel without a
 * cursor starts from {@code *}: every message at or below it was taken.
 */
final class IngressCursors {
    /** The key of the subscription's cursor. */
    static final String SUBSCRIPTION = "*";

    private final Map<String, Long> channels = new HashMap<>();
    private long subscription;

    /** The cursors as the topic holds them (later records replace earlier; a null value deletes). */
    void load(String key, String value) {
        if (SUBSCRIPTION.equals(key)) {
            subscription = value == null ? 0 : Long.parseLong(value);
        } else if (value == null) {
            channels.remove(key);
        } else {
            channels.put(key, Long.parseLong(value));
        }
    }

    void clear() {
        channels.clear();
        subscription = 0;
    }

    /** The timetoken to subscribe from (0: none yet, subscribe from now). */
    long subscription() {
        return subscription;
    }

    boolean isNew(String channel, long timetoken) {
        return timetoken > channels.getOrDefault(channel, subscription);
    }

    void taken(String channel, long timetoken, boolean fromSubscription) {
        channels.merge(channel, timetoken, Math::max);
        if (fromSubscription) {
            subscription = Math.max(subscription, timetoken);
        }
    }

    /** Channels with a message newer than {@code sinceTimetoken}: those worth asking PubNub's history about. */
    List<String> activeSince(long sinceTimetoken) {
        return channels.entrySet().stream().filter(e -> e.getValue() >= sinceTimetoken).map(Map.Entry::getKey).sorted().toList();
    }

    /** Forgets channels quiet since before {@code timetoken} (the subscription's cursor covers them); returns them. */
    List<String> forgetQuietBefore(long timetoken) {
        List<String> quiet = channels.entrySet().stream().filter(e -> e.getValue() < timetoken).map(Map.Entry::getKey).toList();
        quiet.forEach(channels::remove);
        return quiet;
    }

    long channel(String channel) {
        return channels.getOrDefault(channel, subscription);
    }

    int size() {
        return channels.size();
    }
}
