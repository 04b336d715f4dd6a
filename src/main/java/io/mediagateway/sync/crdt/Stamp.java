package io.mediagateway.sync.crdt;

import java.util.Objects;

/**
 * When and where a write happened: its event HLC and the device that made it. Stamps are totally
 * ordered — the higher HLC wins, and on equal HLC the lexicographically greater device id — which
 * is the last-writer-wins order of the contract.
 */
public record Stamp(long hlc, String deviceId) implements Comparable<Stamp> {

    public Stamp {
        Objects.requireNonNull(deviceId, "deviceId");
        if (!Hlc.isValid(hlc)) {
            throw new IllegalArgumentException("invalid HLC " + hlc);
        }
    }

    @Override
    public int compareTo(Stamp other) {
        int byHlc = Long.compare(hlc, other.hlc);
        return byHlc != 0 ? byHlc : deviceId.compareTo(other.deviceId);
    }

    public static Stamp max(Stamp a, Stamp b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
