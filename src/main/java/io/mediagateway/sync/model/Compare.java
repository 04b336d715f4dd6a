package io.mediagateway.sync.model;

import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/** Null-safe comparisons for the total orders the LWW tie-breaks need. */
final class Compare {
    private Compare() {
    }

    static <T extends Comparable<? super T>> int nullable(T a, T b) {
        return Comparator.<T>nullsFirst(Comparator.naturalOrder()).compare(a, b);
    }

    static <T extends Comparable<? super T>> int lists(List<T> a, List<T> b) {
        Iterator<T> ia = a.iterator();
        Iterator<T> ib = b.iterator();
        while (ia.hasNext() && ib.hasNext()) {
            int c = ia.next().compareTo(ib.next());
            if (c != 0) {
                return c;
            }
        }
        return Boolean.compare(ia.hasNext(), ib.hasNext());
    }
}
