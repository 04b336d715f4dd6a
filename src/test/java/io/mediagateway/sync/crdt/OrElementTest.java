package io.mediagateway.sync.crdt;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.codec.StateCodec;
import io.mediagateway.sync.model.ContentMetadata;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The five guarantees of the watchlist set, one behaviour per test. */
class OrElementTest {
    private static final long T = Hlc.pack(1_763_700_000_000L, 0);
    private static final OrElement.Policy POLICY = OrElement.Policy.DEFAULT;
    private static final ContentMetadata FIGHT_CLUB = new ContentMetadata("Fight Club", 1999, null, "movie");
    private final StateCodec codec = new StateCodec(POLICY);

    private static Stamp at(long offsetMs, String device) {
        return new Stamp(T + (offsetMs << 16), device);
    }

    private static OrElement<ContentMetadata> empty() {
        return OrElement.empty();
    }

    @Test
    void rule1_shouldKeepAConcurrentAddThatTheRemoveDidNotObserve() {
        OrElement<ContentMetadata> element = empty()
                .add("tag-phone", at(1, "phone"), FIGHT_CLUB, POLICY)
                .add("tag-tv", at(2, "tv"), FIGHT_CLUB, POLICY);

        OrElement<ContentMetadata> removed = element.remove(List.of("tag-phone"), at(3, "web"), POLICY);

        assertThat(removed.isPresent()).isTrue();
        assertThat(removed.live()).containsOnlyKeys("tag-tv");
    }

    @Test
    void rule1_shouldKeepAnAddThatArrivesAfterARemoveOfEverythingTheServerHeld() {
        OrElement<ContentMetadata> removedAll = empty()
                .add("tag-phone", at(1, "phone"), FIGHT_CLUB, POLICY)
                .remove(null, at(5, "web"), POLICY);

        OrElement<ContentMetadata> lateConcurrentAdd = removedAll.add("tag-tv", at(4, "tv"), FIGHT_CLUB, POLICY);

        assertThat(removedAll.isPresent()).isFalse();
        assertThat(lateConcurrentAdd.live()).containsOnlyKeys("tag-tv");
    }

    @Test
    void aRemoveOfEveryOlderAddEndsTheSameWhicheverOrderTheAddsArriveIn() {
        // Regions (contract §16): a remove without observed tags removes the adds made before it, wherever they were
        // written and whenever they arrive; an add made after it stays.
        OrElement<ContentMetadata> removeFirst = empty()
                .removeOlder(at(5, "web"), POLICY)
                .add("older-tv", at(4, "tv"), FIGHT_CLUB, POLICY)
                .add("newer-phone", at(6, "phone"), FIGHT_CLUB, POLICY)
                .add("older-phone", at(2, "phone"), FIGHT_CLUB, POLICY);
        OrElement<ContentMetadata> addsFirst = empty()
                .add("newer-phone", at(6, "phone"), FIGHT_CLUB, POLICY)
                .add("older-phone", at(2, "phone"), FIGHT_CLUB, POLICY)
                .add("older-tv", at(4, "tv"), FIGHT_CLUB, POLICY)
                .removeOlder(at(5, "web"), POLICY);

        assertThat(removeFirst.live()).containsOnlyKeys("newer-phone");
        assertThat(codec.encodeElement(addsFirst)).isEqualTo(codec.encodeElement(removeFirst));
        assertThat(addsFirst.merge(removeFirst, POLICY).live()).containsOnlyKeys("newer-phone");
    }

    @Test
    void rule1_shouldKeepTheSameDevicesNewerAddWhenTheRemoveSawOnlyTheOlderOne() {
        OrElement<ContentMetadata> element = empty()
                .add("first", at(1, "phone"), FIGHT_CLUB, POLICY)
                .add("second", at(2, "phone"), FIGHT_CLUB, POLICY);

        OrElement<ContentMetadata> removed = element.remove(List.of("first"), at(3, "tv"), POLICY);

        assertThat(removed.live()).containsOnlyKeys("second");
    }

    @Test
    void rule2_shouldNotBringBackARemovedAddThatIsDeliveredAgain() {
        OrElement<ContentMetadata> removed = empty()
                .add("tag-1", at(1, "phone"), FIGHT_CLUB, POLICY)
                .remove(List.of("tag-1"), at(2, "tv"), POLICY);

        OrElement<ContentMetadata> redelivered = removed.add("tag-1", at(1, "phone"), FIGHT_CLUB, POLICY);

        assertThat(redelivered.isPresent()).isFalse();
        assertThat(redelivered).isEqualTo(removed);
    }

    @Test
    void rule2_shouldRememberARemovalBeyondAnyWindow() {
        OrElement<ContentMetadata> removed = empty()
                .add("tag-1", at(1, "phone"), FIGHT_CLUB, POLICY)
                .remove(List.of("tag-1"), at(2, "phone"), POLICY)
                .add("much-later", at(30L * 24 * 3600 * 1000, "tv"), FIGHT_CLUB, POLICY); // a month on

        assertThat(removed.add("tag-1", at(1, "phone"), FIGHT_CLUB, POLICY).live()).containsOnlyKeys("much-later");
    }

    @Test
    void rule3_shouldRemoveAnAddWhoseRemoveArrivedFirst() {
        OrElement<ContentMetadata> removeFirst = empty().remove(List.of("tag-1"), at(2, "tv"), POLICY);

        OrElement<ContentMetadata> thenAdd = removeFirst.add("tag-1", at(1, "phone"), FIGHT_CLUB, POLICY);

        assertThat(removeFirst.deferred()).containsOnlyKeys("tag-1");
        assertThat(thenAdd.isPresent()).isFalse();
        assertThat(thenAdd.deferred()).isEmpty();
        assertThat(thenAdd.clock()).containsEntry("phone", at(1, "phone").hlc());
    }

    @Test
    void rule3_shouldStillLetAConcurrentAddWinWhenARemoveArrivedFirst() {
        OrElement<ContentMetadata> state = empty().remove(List.of("tag-1"), at(2, "tv"), POLICY)
                .add("tag-2", at(3, "web"), FIGHT_CLUB, POLICY)
                .add("tag-1", at(1, "phone"), FIGHT_CLUB, POLICY);

        assertThat(state.live()).containsOnlyKeys("tag-2");
    }

    @Test
    void rule4_shouldIgnoreDuplicatesOfEveryOperation() {
        OrElement<ContentMetadata> once = empty()
                .add("a", at(1, "phone"), FIGHT_CLUB, POLICY)
                .add("b", at(2, "tv"), FIGHT_CLUB, POLICY)
                .remove(List.of("a"), at(3, "tv"), POLICY)
                .remove(List.of("c"), at(4, "tv"), POLICY);
        OrElement<ContentMetadata> twice = empty()
                .add("a", at(1, "phone"), FIGHT_CLUB, POLICY).add("a", at(1, "phone"), FIGHT_CLUB, POLICY)
                .add("b", at(2, "tv"), FIGHT_CLUB, POLICY).add("b", at(2, "tv"), FIGHT_CLUB, POLICY)
                .remove(List.of("a"), at(3, "tv"), POLICY).remove(List.of("a"), at(3, "tv"), POLICY)
                .remove(List.of("c"), at(4, "tv"), POLICY).remove(List.of("c"), at(4, "tv"), POLICY)
                .remove(List.of("a"), at(3, "tv"), POLICY);

        assertThat(codec.encodeElement(twice)).isEqualTo(codec.encodeElement(once));
    }

    @Test
    void rule5_shouldNotGrowWithTheNumberOfAddRemoveCycles() {
        List<String> devices = List.of("phone", "tv", "web");

        OrElement<ContentMetadata> after10 = cycles(10, devices);
        OrElement<ContentMetadata> after10000 = cycles(10_000, devices);

        assertThat(after10000.live()).hasSize(1);
        assertThat(after10000.clock()).hasSize(devices.size());
        assertThat(after10000.deferred()).isEmpty();
        assertThat(after10000.removers()).hasSize(devices.size());
        assertThat(codec.encodeElement(after10000).length).isEqualTo(codec.encodeElement(after10).length);
    }

    @Test
    void rule5_shouldExpireDeferredRemovesWhoseAddNeverArrives() {
        OrElement<ContentMetadata> state = empty();
        for (int i = 0; i < 1000; i++) {
            state = state.remove(List.of("never-added-" + i), at(i, "tv"), POLICY);
        }
        assertThat(state.deferred()).hasSize(POLICY.maxDeferred());

        state = state.add("x", at(POLICY.deferredWindowMs() + 2000, "phone"), FIGHT_CLUB, POLICY);
        assertThat(state.deferred()).isEmpty();
        assertThat(state.live()).containsOnlyKeys("x");
    }

    @Test
    void shouldShowTheNewestLiveAddsMetadata() {
        ContentMetadata poster = new ContentMetadata("Fight Club", 1999, "https://img/fc.jpg", "movie");
        OrElement<ContentMetadata> element = empty()
                .add("a", at(1, "phone"), FIGHT_CLUB, POLICY)
                .add("b", at(2, "tv"), poster, POLICY);

        assertThat(element.newest()).hasValueSatisfying(e -> assertThat(e.getValue().metadata()).isEqualTo(poster));
    }

    /** Each cycle: one device adds a fresh tag, another removes everything it observed. */
    private static OrElement<ContentMetadata> cycles(int n, List<String> devices) {
        OrElement<ContentMetadata> state = OrElement.empty();
        long ms = 0;
        for (int i = 0; i < n; i++) {
            String adder = devices.get(i % devices.size());
            String remover = devices.get((i + 1) % devices.size());
            state = state.add("tag-" + i, at(++ms, adder), FIGHT_CLUB, POLICY);
            state = state.remove(List.copyOf(state.live().keySet()), at(++ms, remover), POLICY);
        }
        return state.add("final", at(++ms, devices.get(0)), FIGHT_CLUB, POLICY);
    }
}
