package io.mediagateway.sync.crdt;

import java.util.Objects;

/**
 * A last-writer-wins register: the value written with the greatest {@link Stamp} wins, whatever the
 * order of arrival. Two writes with the same stamp (a replayed or duplicated write) are ordered by
 * the value itself, so {@code merge} stays commutative even for a buggy writer.
 */
public record LwwRegister<T extends Comparable<? super T>>(T value, Stamp stamp) {

    public LwwRegister {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(stamp, "stamp");
    }

    public static <T extends Comparable<? super T>> LwwRegister<T> of(T value, Stamp stamp) {
        return new LwwRegister<>(value, stamp);
    }

    /** The winner of the two registers (returns {@code this} when this one wins or they are equal). */
    public LwwRegister<T> merge(LwwRegister<T> other) {
        return wins(this, other) ? this : other;
    }

    /** Whether writing {@code other} into this register would change it. */
    public boolean isSupersededBy(LwwRegister<T> other) {
        return !wins(this, other);
    }

    private static <T extends Comparable<? super T>> boolean wins(LwwRegister<T> a, LwwRegister<T> b) {
        int byStamp = a.stamp.compareTo(b.stamp);
        if (byStamp != 0) {
            return byStamp > 0;
        }
        return a.value.compareTo(b.value) >= 0;
    }
}
