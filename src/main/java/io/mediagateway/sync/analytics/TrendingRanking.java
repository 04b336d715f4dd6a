package io.mediagateway.sync.analytics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Contents ranked by starts: most first, ties by content id. A change costs O(log n) and the top k
 * O(k), however many contents are ranked — never a sort of everything per event.
 */
final class TrendingRanking {
    /** One ranked content. */
    record Entry(String contentId, long starts) {
    }

    private static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::starts).reversed()
            .thenComparing(Entry::contentId);

    private final Map<String, Long> starts = new HashMap<>();
    private final TreeSet<Entry> ranked = new TreeSet<>(ORDER);

    /** Adds {@code delta} (negative when starts leave the window) to a content's starts. */
    void add(String contentId, long delta) {
        Long before = starts.get(contentId);
        long now = (before == null ? 0 : before) + delta;
        if (before != null) {
            ranked.remove(new Entry(contentId, before));
        }
        if (now > 0) {
            starts.put(contentId, now);
            ranked.add(new Entry(contentId, now));
        } else {
            starts.remove(contentId);
        }
    }

    List<Entry> top(int k) {
        List<Entry> top = new ArrayList<>(Math.min(k, ranked.size()));
        Iterator<Entry> it = ranked.iterator();
        while (top.size() < k && it.hasNext()) {
            top.add(it.next());
        }
        return top;
    }

    int size() {
        return starts.size();
    }

    void clear() {
        starts.clear();
        ranked.clear();
    }
}
