package io.mediagateway.sync.model;

import java.util.Comparator;

/** Display metadata a device may attach to a watchlist add; every field optional. */
public record ContentMetadata(String title, Integer year, String posterUrl, String contentType)
        implements Comparable<ContentMetadata> {

    public static final ContentMetadata NONE = new ContentMetadata(null, null, null, null);

    private static final Comparator<ContentMetadata> ORDER = Comparator
            .comparing(ContentMetadata::title, Compare::nullable)
            .thenComparing(ContentMetadata::year, Compare::nullable)
            .thenComparing(ContentMetadata::posterUrl, Compare::nullable)
            .thenComparing(ContentMetadata::contentType, Compare::nullable);

    public boolean isEmpty() {
        return equals(NONE);
    }

    @Override
    public int compareTo(ContentMetadata other) {
        return ORDER.compare(this, other);
    }
}
