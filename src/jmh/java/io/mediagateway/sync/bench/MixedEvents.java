package io.mediagateway.sync.bench;

import io.mediagateway.sync.crdt.Hlc;

/**
 * The throughput benchmarks' event mix over users' existing items, in groups of five per user (an add, the
 * remove of that add, progress, a preference, a heartbeat), with rising HLCs so no write is stale.
 */
final class MixedEvents {
    private final int touched;
    private long n;
    private final long base;

    /** Events over all of a user's {@code items}. */
    MixedEvents(int items, long baseMs) {
        this(items, items, baseMs);
    }

    /** Seeds numbered up to {@code items}; events only over the first {@code touched} of them. */
    MixedEvents(int items, int touched, long baseMs) {
        if (touched < 1 || touched > items) {
            throw new IllegalArgumentException("touched must be 1.." + items);
        }
        this.touched = touched;
        this.base = Hlc.pack(baseMs, 0);
    }

    /** Events made so far (seeds included): {@code position() / 5} numbers the current group of five. */
    long position() {
        return n;
    }

    String seedAdd(int i) {
        return "{\"msg_type\":\"watchlist_update\",\"device_id\":\"tv\",\"operation\":\"Add\",\"content_id\":\"c-" + i
                + "\",\"unique_tag\":\"seed-" + i + "\",\"hlc\":\"" + (base + n++) + "\"}";
    }

    String seedProgress(int i) {
        return "{\"msg_type\":\"watch_progress_update\",\"device_id\":\"tv\",\"content_id\":\"c-" + i
                + "\",\"position_seconds\":10,\"duration_seconds\":3600,\"hlc\":\"" + (base + n++) + "\"}";
    }

    private String contentOf(long i) {
        return "c-" + ((i / 5 * 7919) % touched);
    }

    String next() {
        long i = n++;
        String common = "\"device_id\":\"" + (i % 3 == 0 ? "tv" : "phone") + "\",\"hlc\":\"" + (base + i) + "\",";
        return switch ((int) (i % 5)) {
            case 0 -> "{\"msg_type\":\"watchlist_update\"," + common + "\"operation\":\"Add\",\"content_id\":\""
                    + contentOf(i) + "\",\"unique_tag\":\"t-" + i + "\"}";
            case 1 -> "{\"msg_type\":\"watchlist_update\"," + common + "\"operation\":\"Remove\",\"content_id\":\""
                    + contentOf(i - 1) + "\",\"observed_tags\":[\"t-" + (i - 1) + "\"]}";
            case 2 -> "{\"msg_type\":\"watch_progress_update\"," + common + "\"content_id\":\"" + contentOf(i)
                    + "\",\"position_seconds\":" + (i % 3600) + ",\"duration_seconds\":3600,\"state\":\"Playing\"}";
            case 3 -> "{\"msg_type\":\"preference_update\"," + common + "\"key\":\"k-" + (i % 7) + "\",\"value\":" + i + "}";
            default -> "{\"msg_type\":\"device_heartbeat\"," + common + "\"device_type\":\"TV\"}";
        };
    }
}
