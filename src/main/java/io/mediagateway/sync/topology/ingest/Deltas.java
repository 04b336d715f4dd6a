package io.mediagateway.sync.topology.ingest;

import io.mediagateway.sync.deadletter.DeadLetters;
import io.mediagateway.sync.model.Delta;
import io.mediagateway.sync.topics.Regions;
import io.mediagateway.sync.topics.Topics;

/**
 * The deltas of one input record: ids {@code <partition>-<offset>-<n>} ({@code n<partition>-<offset>-<n>} for a
 * record of {@code sync.notifications}, so the two inputs' ids never meet), the same on every reprocessing, stamped
 * with the record's timestamp. With regions (contract §16) an id starts with this region's name and a colon, and a
 * record of a peer's remote topic adds the peer's name and a dot ({@code us:eu.3-120-0}): ids stay unique across
 * the regions, whose deltas may meet (in PubNub, in analytics), and across a region's own and remote topics.
 */
public final class Deltas {
    /** Where deltas go (the topology's sink, or nowhere in a silent replay). */
    @FunctionalInterface
    public interface Out {
        /** {@code region}: where the input that made the change was written (null: no region, or every region). */
        void delta(String user, Delta delta, long timestamp, String region);
    }

    final String user;
    final long timestamp;
    private final String idPrefix;
    private final boolean writtenHere;
    private final String region;
    private final Out out;
    private int next;

    public Deltas(String user, DeadLetters.Origin origin, Regions regions, long timestamp, Out out) {
        this.user = user;
        this.timestamp = timestamp;
        this.out = out;
        this.region = regions.originOf(origin.topic()).orElse(null);
        String local = regions.localName(origin.topic());
        this.writtenHere = local.equals(origin.topic());
        String remote = writtenHere ? "" : region + Regions.SEPARATOR;
        this.idPrefix = regions.self().map(s -> s + ":").orElse("") + remote
                + (Topics.NOTIFICATIONS.name().equals(local) ? "n" : "") + origin.partition() + "-" + origin.offset() + "-";
    }

    /** Whether the input was written in this region (not read from a peer's remote topic). */
    public boolean writtenHere() {
        return writtenHere;
    }

    /** The region the input was written in (null without regions). */
    public String region() {
        return region;
    }

    String nextId() {
        return idPrefix + next++;
    }

    void emit(Delta delta) {
        out.delta(user, delta, timestamp, region);
    }
}
