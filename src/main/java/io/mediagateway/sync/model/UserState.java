package io.mediagateway.sync.model;

import io.mediagateway.sync.crdt.LwwRegister;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.crdt.Stamp;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BinaryOperator;

/**
 * Everything the service holds for one user: the watchlist (an add-wins observed-remove set of
 * content ids with metadata), progress (one LWW register per content), preferences (one LWW
 * register per key) and the device registry. Immutable; each operation returns a new state, and
 * {@link #merge} is a join, so replicas converge whatever the order of operations and merges.
 *
 * <p>The stream topology keeps each part under its own store key (user + item) so that one
 * event's cost does not grow with the user's state; this class is the same model whole, for
 * snapshots and for proving convergence.
 */
public record UserState(SortedMap<String, OrElement<ContentMetadata>> watchlist,
                        SortedMap<String, LwwRegister<PlaybackPosition>> progress,
                        SortedMap<String, LwwRegister<PreferenceValue>> preferences,
                        SortedMap<String, DeviceRecord> devices) {

    public static final UserState EMPTY = new UserState(new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>());

    public UserState {
        watchlist = Collections.unmodifiableSortedMap(new TreeMap<>(watchlist));
        progress = Collections.unmodifiableSortedMap(new TreeMap<>(progress));
        preferences = Collections.unmodifiableSortedMap(new TreeMap<>(preferences));
        devices = Collections.unmodifiableSortedMap(new TreeMap<>(devices));
    }

    public UserState addToWatchlist(String contentId, String tag, Stamp stamp, ContentMetadata metadata,
                                    OrElement.Policy policy) {
        OrElement<ContentMetadata> element = watchlist.getOrDefault(contentId, OrElement.empty());
        return withWatchlist(contentId, element.add(tag, stamp, metadata, policy));
    }

    /** {@code observedTags == null}: every tag the state holds for the content. */
    public UserState removeFromWatchlist(String contentId, Collection<String> observedTags, Stamp stamp,
                                         OrElement.Policy policy) {
        OrElement<ContentMetadata> element = watchlist.getOrDefault(contentId, OrElement.empty());
        return withWatchlist(contentId, element.remove(observedTags, stamp, policy));
    }

    public UserState writeProgress(String contentId, LwwRegister<PlaybackPosition> write) {
        return new UserState(watchlist, put(progress, contentId, write, LwwRegister::merge), preferences, devices);
    }

    public UserState writePreference(String key, LwwRegister<PreferenceValue> write) {
        return new UserState(watchlist, progress, put(preferences, key, write, LwwRegister::merge), devices);
    }

    /**
     * A device event at {@code atMs}, as the topology applies it ({@link DeviceChanges#apply}): the device
     * times out first when it was silent for its timeout, then the event merges in.
     */
    public UserState applyDeviceEvent(String deviceId, DeviceRecord write, long atMs, PresenceTimeouts timeouts) {
        DeviceRecord after = DeviceChanges.apply(devices.get(deviceId), write, atMs, timeouts).after();
        SortedMap<String, DeviceRecord> d = new TreeMap<>(devices);
        d.put(deviceId, after);
        return new UserState(watchlist, progress, preferences, d);
    }

    public UserState writeDevice(String deviceId, DeviceRecord write) {
        return new UserState(watchlist, progress, preferences, put(devices, deviceId, write, DeviceRecord::merge));
    }

    /** Marks every online device whose last heartbeat is older than its timeout at {@code nowMs} offline. */
    public UserState expirePresence(long nowMs, PresenceTimeouts timeouts) {
        SortedMap<String, DeviceRecord> d = new TreeMap<>(devices);
        d.replaceAll((id, record) -> record.isDue(nowMs, timeouts) ? record.timeout() : record);
        return new UserState(watchlist, progress, preferences, d);
    }

    public UserState merge(UserState other, OrElement.Policy policy) {
        SortedMap<String, OrElement<ContentMetadata>> w = new TreeMap<>(watchlist);
        other.watchlist.forEach((id, e) -> w.merge(id, e, (a, b) -> a.merge(b, policy)));
        w.values().removeIf(OrElement::isEmpty);
        return new UserState(w, mergeAll(progress, other.progress, LwwRegister::merge),
                mergeAll(preferences, other.preferences, LwwRegister::merge),
                mergeAll(devices, other.devices, DeviceRecord::merge));
    }

    private UserState withWatchlist(String contentId, OrElement<ContentMetadata> element) {
        SortedMap<String, OrElement<ContentMetadata>> w = new TreeMap<>(watchlist);
        if (element.isEmpty()) {
            w.remove(contentId);
        } else {
            w.put(contentId, element);
        }
        return new UserState(w, progress, preferences, devices);
    }

    private static <V> SortedMap<String, V> put(SortedMap<String, V> map, String key, V value, BinaryOperator<V> merge) {
        SortedMap<String, V> copy = new TreeMap<>(map);
        copy.merge(Objects.requireNonNull(key), value, merge);
        return copy;
    }

    private static <V> SortedMap<String, V> mergeAll(SortedMap<String, V> a, Map<String, V> b, BinaryOperator<V> merge) {
        SortedMap<String, V> copy = new TreeMap<>(a);
        b.forEach((k, v) -> copy.merge(k, v, merge));
        return copy;
    }
}
