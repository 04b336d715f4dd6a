package io.mediagateway.sync.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.codec.StateCodec;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.crdt.Stamp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/**
 * Property tests over random histories (1,000 per property; each failure names its seed, so
 * {@code check(seed)} reproduces it). Replicas that receive the operations in any interleaving,
 * duplicated and partitioned, converge to the state of in-order delivery, and merge is a join.
 */
class ConvergencePropertiesTest {
    private static final int TRIES = 1_000;
    private final StateCodec codec = new StateCodec(Histories.POLICY);

    @Test
    void shouldConvergeWhateverTheDuplicationReorderingPartitioningAndStaleViews() {
        forEachSeed(seed -> {
            Random rnd = new Random(seed);
            Histories.History history = Histories.generate(rnd, 60, true);
            List<UserState> replicas = new ArrayList<>();
            for (List<Histories.Op> delivery : Histories.deliver(rnd, history.ops(), 1 + rnd.nextInt(3), rnd.nextBoolean())) {
                replicas.add(Histories.apply(delivery));
            }

            UserState merged = Histories.mergeRandomly(rnd, replicas);

            // then once the deferred window has passed, the bytes are identical ...
            assertThat(json(Histories.afterTheDeferredWindow(merged))).as("seed %d, history %s", seed, history.ops())
                    .isEqualTo(json(Histories.afterTheDeferredWindow(history.reference())));
            // ... and before it, everything but deferred removes is ...
            assertThat(json(Histories.withoutDeferred(merged))).as("seed %d, history %s", seed, history.ops())
                    .isEqualTo(json(Histories.withoutDeferred(history.reference())));
            // ... and deferred removes differ only for tags whose add is in the history and already died
            for (String content : union(merged.watchlist().keySet(), history.reference().watchlist().keySet())) {
                var mine = merged.watchlist().getOrDefault(content, OrElement.empty()).deferred();
                var ref = history.reference().watchlist().getOrDefault(content, OrElement.empty());
                for (String tag : union(mine.keySet(), ref.deferred().keySet())) {
                    if (!java.util.Objects.equals(mine.get(tag), ref.deferred().get(tag))) {
                        assertThat(history.addedTags()).as("seed %d: deferred %s of %s", seed, tag, content).contains(tag);
                        assertThat(ref.live()).as("seed %d: deferred %s of %s", seed, tag, content).doesNotContainKey(tag);
                    }
                }
            }
        });
    }

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> u = new java.util.TreeSet<>(a);
        u.addAll(b);
        return u;
    }

    @Test
    void shouldMergeCommutativelyAssociativelyAndIdempotently() {
        forEachSeed(seed -> {
            Random rnd = new Random(seed);
            UserState a = Histories.apply(Histories.generate(rnd, 30, true).ops());
            UserState b = Histories.apply(Histories.generate(rnd, 30, true).ops());
            UserState c = Histories.apply(Histories.generate(rnd, 30, true).ops());
            OrElement.Policy p = Histories.POLICY;

            assertThat(json(a.merge(b, p))).as("commutative, seed %d", seed).isEqualTo(json(b.merge(a, p)));
            assertThat(json(a.merge(b, p).merge(c, p))).as("associative, seed %d", seed)
                    .isEqualTo(json(a.merge(b.merge(c, p), p)));
            assertThat(json(a.merge(a, p))).as("idempotent, seed %d", seed).isEqualTo(json(a));
            assertThat(json(a.merge(UserState.EMPTY, p))).as("empty is neutral, seed %d", seed).isEqualTo(json(a));
        });
    }

    @Test
    void shouldKeepWatchlistMetadataWithinTheBoundOfDevicesAndLiveItems() {
        forEachSeed(seed -> {
            Random rnd = new Random(seed);
            Histories.History history = Histories.generate(rnd, 60, true);
            for (OrElement<ContentMetadata> element : history.reference().watchlist().values()) {
                assertThat(element.clock().size()).as("seed %d", seed).isLessThanOrEqualTo(history.devices());
                assertThat(element.removers().size()).as("seed %d", seed).isLessThanOrEqualTo(history.devices());
                assertThat(element.deferred().size()).isLessThanOrEqualTo(Histories.POLICY.maxDeferred());
            }
        });
    }

    @Test
    void shouldNotGrowWithTheNumberOfAddRemoveCycles() {
        forEachSeed(seed -> {
            Random rnd = new Random(seed);
            List<String> devices = List.of("phone", "tv", "web", "tablet").subList(0, 1 + rnd.nextInt(4));
            int cycles = 1 + rnd.nextInt(300);
            OrElement<ContentMetadata> element = OrElement.empty();
            long ms = Histories.BASE_MS;
            for (int i = 0; i < cycles; i++) {
                ms += 1 + rnd.nextInt(5);
                Stamp addStamp = new Stamp(Hlc.pack(ms, 0), devices.get(rnd.nextInt(devices.size())));
                element = element.add("tag-" + i, addStamp, ContentMetadata.NONE, Histories.POLICY);
                if (rnd.nextInt(4) > 0) {
                    ms += 1;
                    element = element.remove(null, new Stamp(Hlc.pack(ms, 0), devices.get(rnd.nextInt(devices.size()))),
                            Histories.POLICY);
                }
            }
            // Bound: a fresh state holding the same live adds, plus one clock and one remover entry per device.
            OrElement<ContentMetadata> fresh = OrElement.empty();
            for (var live : element.live().entrySet()) {
                fresh = fresh.add(live.getKey(), live.getValue().stamp(), live.getValue().metadata(), Histories.POLICY);
            }
            int perDevice = 2 * ("\"tablet\":\"" + Long.MAX_VALUE + "\",").length();
            assertThat(codec.encodeElement(element).length).as("seed %d, %d cycles", seed, cycles)
                    .isLessThanOrEqualTo(codec.encodeElement(fresh).length + devices.size() * perDevice);
        });
    }

    private String json(UserState state) {
        return new String(codec.encodeUser(state), StandardCharsets.UTF_8);
    }

    private static void forEachSeed(LongConsumer property) {
        long base = Long.getLong("properties.seed", 20261121L);
        for (int i = 0; i < TRIES; i++) {
            property.accept(base + i);
        }
    }
}
