package io.mediagateway.sync.crdt;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One element of an add-wins observed-remove set (a watchlist item), in the style of riak_dt's
 * ORSWOT: no tombstone per removed tag. Each add is a <em>dot</em> — its tag's {@link Stamp}
 * (event HLC, device) — and the element keeps only its live dots plus a per-device <em>removal
 * clock</em>: a remove that observed a dot {@code (hlc, d)} raises {@code clock[d]} to {@code hlc},
 * which removes that add and every earlier add of device {@code d} on this element (a device's own
 * adds are HLC-ordered, so having seen its newest tag means having seen its older ones).
 *
 * <p>Guarantees, for any order and multiplicity of delivery:
 * <ol>
 * <li>add wins: a remove only removes the dots it observed (or, with no observed tags, those the
 *     server holds), so a concurrent add — another device's, or a newer one — survives;</li>
 * <li>an add re-delivered after its tag was removed is at or below the clock and stays dead,
 *     forever, not just inside a window;</li>
 * <li>a remove that arrives before the add it observed is <em>deferred</em> by tag and applied when
 *     the add arrives;</li>
 * <li>duplicates change nothing: every operation is a join with the current state;</li>
 * <li>the state holds live dots, one clock entry per device and the deferred removes, so N
 *     add/remove cycles by D devices leave O(D + live) metadata, independent of N.</li>
 * </ol>
 * The one window: a deferred remove waits for its add at most {@link Policy#deferredWindowMs} of HLC
 * time past the newest write this element has seen, and at most {@link Policy#maxDeferred} are kept
 * (oldest dropped first). Gateways reorder within seconds, so the default (1 hour, 64) is safe; an
 * add that arrives later than that after a remove that observed it shows up again — a visible extra
 * item, never a lost write. Deferred removes of tags that never arrive (or already died) expire the
 * same way, which bounds them. Such a deferred remove of an add that already died is inert: it
 * never changes what the set contains, and it is the one part of the state that replicas which saw
 * the operations in different orders can hold differently until it expires. Tags are unique per
 * add (the contract's {@code unique_tag}); a tag a buggy client reuses is kept once, with its newest dot.
 *
 * @param <M> the metadata carried by each add (the item's {@code content_metadata})
 */
public final class OrElement<M extends Comparable<? super M>> {

    /** A live add: its dot and metadata. */
    public record Dot<M>(Stamp stamp, M metadata) {
        public Dot {
            Objects.requireNonNull(stamp, "stamp");
            Objects.requireNonNull(metadata, "metadata");
        }
    }

    /** How long deferred removes wait for their add, and how many are kept. Not part of the state. */
    public record Policy(long deferredWindowMs, int maxDeferred) {
        public static final Policy DEFAULT = new Policy(3_600_000L, 64);

        public Policy {
            if (deferredWindowMs < 0 || maxDeferred < 0) {
                throw new IllegalArgumentException("policy values must be ≥ 0");
            }
        }
    }

    private static final OrElement<?> EMPTY = new OrElement<>(new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>());

    private final SortedMap<String, Dot<M>> live;
    private final SortedMap<String, Long> clock;
    private final SortedMap<String, Stamp> deferred;
    private final SortedMap<String, Long> removers;

    private OrElement(SortedMap<String, Dot<M>> live, SortedMap<String, Long> clock, SortedMap<String, Stamp> deferred,
                      SortedMap<String, Long> removers) {
        this.live = Collections.unmodifiableSortedMap(live);
        this.clock = Collections.unmodifiableSortedMap(clock);
        this.deferred = Collections.unmodifiableSortedMap(deferred);
        this.removers = Collections.unmodifiableSortedMap(removers);
    }

    @SuppressWarnings("unchecked")
    public static <M extends Comparable<? super M>> OrElement<M> empty() {
        return (OrElement<M>) EMPTY;
    }

    /** Rebuilds a state from its parts (decoding); the result is normalised. */
    public static <M extends Comparable<? super M>> OrElement<M> of(Map<String, Dot<M>> live, Map<String, Long> clock,
            Map<String, Stamp> deferred, Map<String, Long> removers, Policy policy) {
        return normalise(new TreeMap<>(live), new TreeMap<>(clock), new TreeMap<>(deferred), new TreeMap<>(removers), policy);
    }

    /** Live tags and their dots, sorted by tag. */
    public SortedMap<String, Dot<M>> live() {
        return live;
    }

    /** The removal clock: device id → HLC at or below which that device's adds are removed. */
    public SortedMap<String, Long> clock() {
        return clock;
    }

    /** Removes that arrived before their add: tag → the remove's stamp. */
    public SortedMap<String, Stamp> deferred() {
        return deferred;
    }

    /** The newest remove applied per removing device: device id → HLC. Makes a repeated remove a no-op. */
    public SortedMap<String, Long> removers() {
        return removers;
    }

    /** Whether the element is in the set. */
    public boolean isPresent() {
        return !live.isEmpty();
    }

    /** Whether the state holds nothing at all (no live dot, no clock, no deferred remove). */
    public boolean isEmpty() {
        return live.isEmpty() && clock.isEmpty() && deferred.isEmpty() && removers.isEmpty();
    }

    /** The live add with the greatest stamp: whose metadata, device and HLC the element shows. */
    public Optional<Map.Entry<String, Dot<M>>> newest() {
        return live.entrySet().stream().max(Comparator.comparing((Map.Entry<String, Dot<M>> e) -> e.getValue().stamp())
                .thenComparing(Map.Entry::getKey));
    }

    /** Adds {@code tag}, made at {@code stamp}. */
    public OrElement<M> add(String tag, Stamp stamp, M metadata, Policy policy) {
        SortedMap<String, Dot<M>> l = new TreeMap<>(live);
        l.merge(tag, new Dot<>(stamp, metadata), OrElement::greater);
        return normalise(l, new TreeMap<>(clock), new TreeMap<>(deferred), new TreeMap<>(removers), policy);
    }

    /**
     * Removes the observed tags; {@code observedTags == null} means every tag this state holds.
     * Observed tags not seen yet are deferred until their add arrives — unless the removing device
     * already had a remove at this HLC or later applied here: that is this remove again (or an
     * older one), whose tags were deferred or applied the first time.
     */
    public OrElement<M> remove(Collection<String> observedTags, Stamp stamp, Policy policy) {
        SortedMap<String, Long> c = new TreeMap<>(clock);
        SortedMap<String, Stamp> d = new TreeMap<>(deferred);
        SortedMap<String, Long> r = new TreeMap<>(removers);
        boolean repeated = stamp.hlc() <= removers.getOrDefault(stamp.deviceId(), -1L);
        Collection<String> tags = observedTags == null ? live.keySet() : observedTags;
        for (String tag : tags) {
            Dot<M> dot = live.get(tag);
            if (dot != null) {
                c.merge(dot.stamp().deviceId(), dot.stamp().hlc(), Math::max);
            } else if (!repeated) {
                d.merge(tag, stamp, Stamp::max);
            }
        }
        r.merge(stamp.deviceId(), stamp.hlc(), Math::max);
        return normalise(new TreeMap<>(live), c, d, r, policy);
    }

    /**
     * The clock entry that removes every device's adds up to its HLC (no device id has a {@code *}): what a remove
     * without observed tags leaves in a region with peers ({@link #removeOlder}).
     */
    public static final String EVERY_DEVICE = "*";

    /**
     * Removes every add older than {@code stamp}, whichever device made it and whenever it arrives — a remove without
     * observed tags in a region with peers (contract §16). "Every tag the server holds" depends on what reached this
     * region first, so two regions would remove different tags; "every add made before the remove" is the same
     * everywhere. An add made at the remove's HLC or later stays (add wins).
     */
    public OrElement<M> removeOlder(Stamp stamp, Policy policy) {
        SortedMap<String, Long> c = new TreeMap<>(clock);
        c.merge(EVERY_DEVICE, stamp.hlc() - 1, Math::max);
        SortedMap<String, Long> r = new TreeMap<>(removers);
        r.merge(stamp.deviceId(), stamp.hlc(), Math::max);
        return normalise(new TreeMap<>(live), c, new TreeMap<>(deferred), r, policy);
    }

    /** The join of two states: commutative, associative and idempotent. */
    public OrElement<M> merge(OrElement<M> other, Policy policy) {
        SortedMap<String, Dot<M>> l = new TreeMap<>(live);
        other.live.forEach((tag, dot) -> l.merge(tag, dot, OrElement::greater));
        SortedMap<String, Long> c = new TreeMap<>(clock);
        other.clock.forEach((device, hlc) -> c.merge(device, hlc, Math::max));
        SortedMap<String, Stamp> d = new TreeMap<>(deferred);
        other.deferred.forEach((tag, stamp) -> d.merge(tag, stamp, Stamp::max));
        SortedMap<String, Long> r = new TreeMap<>(removers);
        other.removers.forEach((device, hlc) -> r.merge(device, hlc, Math::max));
        return normalise(l, c, d, r, policy);
    }

    private static <M extends Comparable<? super M>> OrElement<M> normalise(SortedMap<String, Dot<M>> live,
            SortedMap<String, Long> clock, SortedMap<String, Stamp> deferred, SortedMap<String, Long> removers,
            Policy policy) {
        // 1. Adds at or below their device's removal clock are removed.
        dropRemoved(live, clock);
        // 2. A deferred remove whose add has arrived alive: apply it to the clock. (A deferred
        //    remove of an add that died already is inert and only waits to expire.)
        boolean applied = false;
        for (var it = deferred.entrySet().iterator(); it.hasNext(); ) {
            Dot<M> dot = live.get(it.next().getKey());
            if (dot != null) {
                clock.merge(dot.stamp().deviceId(), dot.stamp().hlc(), Math::max);
                it.remove();
                applied = true;
            }
        }
        if (applied) {
            dropRemoved(live, clock);
        }
        // 3. Deferred removes expire a window after the newest write this element knows of ...
        if (!deferred.isEmpty()) {
            long newest = -1;
            for (Dot<M> dot : live.values()) {
                newest = Math.max(newest, dot.stamp().hlc());
            }
            for (long hlc : clock.values()) {
                newest = Math.max(newest, hlc);
            }
            for (Stamp stamp : deferred.values()) {
                newest = Math.max(newest, stamp.hlc());
            }
            long horizonMs = Hlc.physicalMs(newest) - policy.deferredWindowMs();
            deferred.values().removeIf(stamp -> Hlc.physicalMs(stamp.hlc()) < horizonMs);
            // 4. ... and only the newest maxDeferred are kept.
            if (deferred.size() > policy.maxDeferred()) {
                List<Map.Entry<String, Stamp>> byAge = new ArrayList<>(deferred.entrySet());
                byAge.sort(Map.Entry.<String, Stamp>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
                for (Map.Entry<String, Stamp> old : byAge.subList(0, deferred.size() - policy.maxDeferred())) {
                    deferred.remove(old.getKey());
                }
            }
        }
        if (live.isEmpty() && clock.isEmpty() && deferred.isEmpty() && removers.isEmpty()) {
            return empty();
        }
        return new OrElement<>(live, clock, deferred, removers);
    }

    private static <M> void dropRemoved(SortedMap<String, Dot<M>> live, SortedMap<String, Long> clock) {
        long everyDevice = clock.getOrDefault(EVERY_DEVICE, -1L);
        live.values().removeIf(dot -> dot.stamp().hlc() <= Math.max(everyDevice,
                clock.getOrDefault(dot.stamp().deviceId(), -1L)));
    }

    /** Two adds of one tag (a duplicate, or a buggy client reusing a tag): keep one, deterministically. */
    private static <M extends Comparable<? super M>> Dot<M> greater(Dot<M> a, Dot<M> b) {
        int byStamp = a.stamp().compareTo(b.stamp());
        if (byStamp != 0) {
            return byStamp > 0 ? a : b;
        }
        return a.metadata().compareTo(b.metadata()) >= 0 ? a : b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OrElement<?> other && live.equals(other.live) && clock.equals(other.clock)
                && deferred.equals(other.deferred) && removers.equals(other.removers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(live, clock, deferred, removers);
    }

    @Override
    public String toString() {
        return "OrElement[live=" + live + ", clock=" + clock + ", deferred=" + deferred + ", removers=" + removers + "]";
    }
}
