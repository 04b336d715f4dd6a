package io.mediagateway.sync.topology.ingest;

import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.crdt.Stamp;
import io.mediagateway.sync.model.ContentMetadata;
import io.mediagateway.sync.model.WatchlistChanges;
import java.util.function.UnaryOperator;

/** A watchlist add or remove: the item's element changed, stored, and its delta when visible. */
public final class WatchlistStep {
    private final UserStores stores;

    public WatchlistStep(UserStores stores) {
        this.stores = stores;
    }

    public void apply(Deltas out, String contentId, String operation, Stamp stamp,
                      UnaryOperator<OrElement<ContentMetadata>> change) {
        OrElement<ContentMetadata> before = stores.watchlistItem(out.user, contentId);
        OrElement<ContentMetadata> after = change.apply(before);
        if (after.equals(before)) {
            return;
        }
        stores.putWatchlistItem(out.user, contentId, after);
        WatchlistChanges.delta(out.user, stamp, out::nextId, operation, contentId, before, after).ifPresent(out::emit);
    }
}
