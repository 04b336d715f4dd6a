package io.mediagateway.sync.model;

import java.util.Objects;

/**
 * A preference's value: any JSON, held in canonical form (sorted keys, no insignificant
 * whitespace) so that equal values are equal strings. The codec produces the canonical form.
 */
public record PreferenceValue(String canonicalJson) implements Comparable<PreferenceValue> {

    public static final int MAX_BYTES = 4096;

    public PreferenceValue {
        Objects.requireNonNull(canonicalJson, "canonicalJson");
    }

    @Override
    public int compareTo(PreferenceValue other) {
        return canonicalJson.compareTo(other.canonicalJson);
    }
}
