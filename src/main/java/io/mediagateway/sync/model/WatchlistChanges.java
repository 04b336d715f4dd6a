package io.mediagateway.sync.model;

import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.crdt.Stamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a change of one watchlist item shows (contract §5): a delta when a live tag was added, re-stamped
 * or removed, or the metadata shown changed; nothing for a change no reader can see. Pure.
 */
public final class WatchlistChanges {
    private WatchlistChanges() {
    }

    /** The metadata an item shows: its newest live add's. */
    public static ContentMetadata shown(OrElement<ContentMetadata> element) {
        return element.newest().map(e -> e.getValue().metadata()).orElse(ContentMetadata.NONE);
    }

    /** The delta of {@code before → after}, if the change is visible ({@code deltaId} is asked only then). */
    public static Optional<Delta> delta(String user, Stamp stamp, Supplier<String> deltaId, String operation, String contentId,
                                        OrElement<ContentMetadata> before, OrElement<ContentMetadata> after) {
        List<String> added = new ArrayList<>();
        after.live().forEach((tag, dot) -> {
            if (!dot.equals(before.live().get(tag))) {
                added.add(tag);
            }
        });
        List<String> removed = before.live().keySet().stream().filter(tag -> !after.live().containsKey(tag)).toList();
        ContentMetadata shown = shown(after);
        if (added.isEmpty() && removed.isEmpty() && shown(before).equals(shown)) {
            return Optional.empty();
        }
        return Optional.of(new Delta.Watchlist(user, stamp.hlc(), stamp.deviceId(), deltaId.get(), operation, contentId,
                new ArrayList<>(after.live().keySet()), after.isPresent(), shown, added, removed));
    }
}
