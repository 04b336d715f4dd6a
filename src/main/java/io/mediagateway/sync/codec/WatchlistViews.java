package io.mediagateway.sync.codec;

import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.util.RawValue;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.model.ContentMetadata;
import java.util.Arrays;
import java.util.Optional;

/**
 * Watchlist items as the API shows them, rendered once per stored value and then copied: a list of 50
 * items is answered by copying 50 rendered items (their UTF-8 bytes, kept) instead of decoding each stored
 * element into a tree and CRDT values, building its view and escaping it again (BENCHMARKS.md, B3).
 *
 * <p>An entry is keyed by the content id and the exact stored bytes it was rendered from. Stored values
 * are never changed in place — a change to an item stores new bytes — so an entry can never be stale:
 * the worst an old entry can do is be evicted unused. Bounded by the bytes it holds (keys and views).
 */
public final class WatchlistViews {
    /** An item's view ready to be copied into an answer, and the HLC it shows; {@code json} null: no view. */
    public record Rendered(RawValue json, long hlc) {
        public boolean present() {
            return json != null;
        }
    }

    private static final Rendered NONE = new Rendered(null, 0L);

    private final StateCodec codec;
    private final Cache<Key, Rendered> cache;

    /** @param maxBytes what the kept views and their keys may take at most; 0 renders every read afresh */
    public WatchlistViews(StateCodec codec, long maxBytes) {
        this.codec = codec;
        this.cache = maxBytes <= 0 ? null : Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Key k, Rendered r) -> k.weight() + (r.present() ? 2 * r.json().rawValue().toString().length() : 0))
                .build();
    }

    /**
     * The view of the item stored as {@code stored}, empty when it shows nothing (no add is live).
     *
     * @throws Json.CodecException when the stored value cannot be read (nothing is kept for it)
     */
    public Optional<Rendered> item(String contentId, byte[] stored) {
        Rendered rendered = cache == null ? render(contentId, stored) : cache.get(new Key(contentId, stored),
                k -> render(k.contentId(), k.stored()));
        return rendered.present() ? Optional.of(rendered) : Optional.empty();
    }

    private Rendered render(String contentId, byte[] stored) {
        OrElement<ContentMetadata> element = codec.decodeElement(stored);
        return ViewCodec.watchlistItem(contentId, element)
                .map(view -> new Rendered(new RawValue(new SerializedString(Json.string(view))), ViewCodec.watchlistHlc(element)))
                .orElse(NONE);
    }

    private record Key(String contentId, byte[] stored, int hash) {
        Key(String contentId, byte[] stored) {
            this(contentId, stored, sampledHash(contentId, stored));
        }

        /**
         * A hash of the content id, the length, at most 32 bytes spread over the value and its last 16:
         * hashing every byte of 50 values was a tenth of the CPU samples of B3's profile. Keys it confuses
         * (versions of one item that differ only in bytes it skips) share a bucket and are told apart by
         * {@link #equals}.
         */
        static int sampledHash(String contentId, byte[] stored) {
            int h = 31 * contentId.hashCode() + stored.length;
            int step = Math.max(1, stored.length / 32);
            for (int i = 0; i < stored.length; i += step) {
                h = 31 * h + stored[i];
            }
            for (int i = Math.max(0, stored.length - 16); i < stored.length; i++) {
                h = 31 * h + stored[i];
            }
            return h;
        }

        int weight() {
            return 64 + 2 * contentId.length() + stored.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && hash == k.hash && contentId.equals(k.contentId) && Arrays.equals(stored, k.stored);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return "Key[" + contentId + ", " + stored.length + " bytes]";
        }
    }
}
