package io.mediagateway.sync.model;

import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.crdt.LwwRegister;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.crdt.Stamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random histories of one user's operations from several devices, and random deliveries of them:
 * duplicated, reordered between devices (each device's own stream stays in order, as one gateway
 * connection delivers it; the streams interleave arbitrarily, as two gateways do) and partitioned
 * among replicas. A seeded {@link Random} makes every history reproducible from its seed.
 */
final class Histories {
    static final OrElement.Policy POLICY = OrElement.Policy.DEFAULT;
    static final long BASE_MS = 1_763_700_000_000L;
    static final String SERVER = "server";
    /** Short, so that histories (ops about 10 ms apart) hold silences longer than it. */
    static final long PRESENCE_TIMEOUT_MS = 50;
    private static final List<String> DEVICES = List.of("phone", "tv", "web", "tablet");
    private static final List<String> CONTENTS = List.of("tmdb:550", "tmdb:13", "imdb:tt0133093");
    private static final List<String> KEYS = List.of("language", "theme", "autoplay");
    private static final List<ContentMetadata> METADATA = List.of(ContentMetadata.NONE,
            new ContentMetadata("Fight Club", 1999, null, "movie"), new ContentMetadata("Forrest Gump", 1994, "p.jpg", "movie"));

    /** One operation: who made it (whose stream delivers it) and what it does to a state. */
    record Op(String source, String label, java.util.function.UnaryOperator<UserState> apply) {
        UserState applyTo(UserState state) {
            return apply.apply(state);
        }

        @Override
        public String toString() {
            return source + ":" + label;
        }
    }

    record History(List<Op> ops, UserState reference, int devices, java.util.Set<String> addedTags) {
    }

    private Histories() {
    }

    /**
     * A history of up to {@code maxOps} operations, applied in generation order to build the
     * reference state. With {@code allowStaleRemoves}, a device may remove tags it saw that are
     * already gone (a stale view).
     */
    static History generate(Random rnd, int maxOps, boolean allowStaleRemoves) {
        int deviceCount = 1 + rnd.nextInt(DEVICES.size());
        List<String> devices = DEVICES.subList(0, deviceCount);
        List<String> contents = CONTENTS.subList(0, 1 + rnd.nextInt(CONTENTS.size()));
        int length = 1 + rnd.nextInt(maxOps);
        String tagPrefix = "h" + Integer.toString(rnd.nextInt(1 << 20), 36) + "-"; // tags are unique per add
        List<Op> ops = new ArrayList<>();
        Map<String, List<String>> everAdded = new LinkedHashMap<>();
        UserState ref = UserState.EMPTY;
        for (int i = 0; i < length; i++) {
            long hlc = Hlc.pack(BASE_MS + i * 10L + rnd.nextInt(10), 0);
            String device = devices.get(rnd.nextInt(devices.size()));
            Stamp stamp = new Stamp(hlc, device);
            String content = contents.get(rnd.nextInt(contents.size()));
            int kind = rnd.nextInt(100);
            Op op;
            if (kind < 30) {
                String tag = tagPrefix + i;
                ContentMetadata meta = METADATA.get(rnd.nextInt(METADATA.size()));
                everAdded.computeIfAbsent(content, c -> new ArrayList<>()).add(tag);
                op = new Op(device, "add " + content + " " + tag,
                        s -> s.addToWatchlist(content, tag, stamp, meta, POLICY));
            } else if (kind < 50) {
                OrElement<ContentMetadata> element = ref.watchlist().getOrDefault(content, OrElement.empty());
                List<String> observed = new ArrayList<>();
                element.live().keySet().forEach(tag -> {
                    if (rnd.nextInt(10) < 7) {
                        observed.add(tag);
                    }
                });
                List<String> added = everAdded.getOrDefault(content, List.of());
                if (allowStaleRemoves && !added.isEmpty() && rnd.nextInt(10) < 3) {
                    String old = added.get(rnd.nextInt(added.size()));
                    observed.add(old);
                }
                List<String> tags = List.copyOf(observed);
                op = new Op(device, "remove " + content + " " + tags,
                        s -> s.removeFromWatchlist(content, tags, stamp, POLICY));
            } else if (kind < 65) {
                PlaybackPosition position = new PlaybackPosition(rnd.nextInt(7000), 7200,
                        PlaybackState.values()[rnd.nextInt(3)], null, null);
                LwwRegister<PlaybackPosition> write = LwwRegister.of(position, stamp);
                op = new Op(device, "progress " + content + " " + position.positionSeconds(),
                        s -> s.writeProgress(content, write));
            } else if (kind < 78) {
                String key = KEYS.get(rnd.nextInt(KEYS.size()));
                LwwRegister<PreferenceValue> write = LwwRegister.of(new PreferenceValue("\"v" + rnd.nextInt(4) + "\""), stamp);
                op = new Op(device, "pref " + key, s -> s.writePreference(key, write));
            } else if (kind < 90) {
                DeviceInfo info = rnd.nextBoolean() ? null : new DeviceInfo("TV", "Tizen",
                        new Capabilities("UHD_4K", List.of("AAC"), List.of(), rnd.nextBoolean(), rnd.nextBoolean(), null),
                        "1." + rnd.nextInt(3), null, null, null);
                // a quarter of them from a backgrounded app (contract §12)
                DeviceRecord write = DeviceRecord.seen(info, stamp, Hlc.physicalMs(hlc), rnd.nextInt(4) == 0);
                // As the topology applies it: a device silent for the (short) timeout times out first.
                op = new Op(device, "heartbeat", s -> s.applyDeviceEvent(device, write, Hlc.physicalMs(hlc), PresenceTimeouts.of(PRESENCE_TIMEOUT_MS)));
            } else if (kind < 93) {
                DeviceRecord write = DeviceRecord.left(stamp);
                op = new Op(device, "leave", s -> s.writeDevice(device, write));
            } else if (kind < 95) {
                // any device removes one (contract §12): hidden until it joins again with a newer stamp
                String target = devices.get(rnd.nextInt(deviceCount));
                DeviceRecord write = DeviceRecord.removal(stamp);
                op = new Op(device, "remove " + target, s -> s.writeDevice(target, write));
            } else {
                DeviceRecord current = ref.devices().get(device);
                if (current == null || !current.online()) {
                    continue;
                }
                DeviceRecord write = current.timeout();
                op = new Op(SERVER, "timeout " + device, s -> s.writeDevice(device, write));
            }
            ops.add(op);
            ref = op.applyTo(ref);
        }
        java.util.Set<String> added = new java.util.TreeSet<>();
        everAdded.values().forEach(added::addAll);
        return new History(ops, ref, deviceCount, added);
    }

    /**
     * Delivers the history to {@code replicas} replicas: every operation reaches every replica, or
     * with {@code partition} at least one,
     * some are delivered twice (the copy later), and each replica interleaves the sources' streams
     * at random while keeping each source's order.
     */
    static List<List<Op>> deliver(Random rnd, List<Op> ops, int replicas, boolean partition) {
        List<Map<String, List<Op>>> streams = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            streams.add(new LinkedHashMap<>());
        }
        for (Op op : ops) {
            int first = rnd.nextInt(replicas);
            for (int r = 0; r < replicas; r++) {
                if (!partition || r == first || rnd.nextInt(3) == 0) {
                    List<Op> stream = streams.get(r).computeIfAbsent(op.source(), s -> new ArrayList<>());
                    stream.add(op);
                    if (rnd.nextInt(5) == 0) {
                        stream.add(op); // a retry
                    }
                }
            }
        }
        List<List<Op>> deliveries = new ArrayList<>();
        for (Map<String, List<Op>> bySource : streams) {
            List<List<Op>> queues = new ArrayList<>();
            bySource.values().forEach(q -> queues.add(new ArrayList<>(q)));
            List<Op> delivered = new ArrayList<>();
            while (!queues.isEmpty()) {
                int q = rnd.nextInt(queues.size());
                delivered.add(queues.get(q).remove(0));
                if (queues.get(q).isEmpty()) {
                    queues.remove(q);
                }
            }
            // A late duplicate of an earlier operation, as a redelivery after a rebalance.
            if (!delivered.isEmpty() && rnd.nextInt(4) == 0) {
                delivered.add(delivered.get(rnd.nextInt(delivered.size())));
            }
            deliveries.add(delivered);
        }
        return deliveries;
    }

    static UserState apply(List<Op> ops) {
        UserState state = UserState.EMPTY;
        for (Op op : ops) {
            state = op.applyTo(state);
        }
        return state;
    }

    /** Merges the states pairwise in a random order until one is left. */
    static UserState mergeRandomly(Random rnd, List<UserState> states) {
        List<UserState> pool = new ArrayList<>(states);
        while (pool.size() > 1) {
            UserState a = pool.remove(rnd.nextInt(pool.size()));
            UserState b = pool.remove(rnd.nextInt(pool.size()));
            pool.add(rnd.nextBoolean() ? a.merge(b, POLICY) : b.merge(a, POLICY));
        }
        return pool.get(0);
    }

    /**
     * The same later write applied to every watchlist element: an add from another device a
     * deferred window after the history, so that deferred removes that waited in vain expire.
     */
    static UserState afterTheDeferredWindow(UserState s) {
        long later = Hlc.pack(BASE_MS + POLICY.deferredWindowMs() + 3_600_000L, 0);
        UserState out = s;
        for (String content : s.watchlist().keySet()) {
            out = out.addToWatchlist(content, "later-" + content, new Stamp(later, "later-device"), ContentMetadata.NONE, POLICY);
        }
        return out;
    }

    /** The state without deferred removes (which can differ only for tags whose add already died). */
    static UserState withoutDeferred(UserState s) {
        UserState out = s;
        for (Map.Entry<String, OrElement<ContentMetadata>> e : s.watchlist().entrySet()) {
            OrElement<ContentMetadata> el = e.getValue();
            OrElement<ContentMetadata> stripped = OrElement.of(el.live(), el.clock(), Map.of(), el.removers(), POLICY);
            java.util.SortedMap<String, OrElement<ContentMetadata>> w = new java.util.TreeMap<>(out.watchlist());
            w.put(e.getKey(), stripped);
            out = new UserState(w, out.progress(), out.preferences(), out.devices());
        }
        return out;
    }
}
