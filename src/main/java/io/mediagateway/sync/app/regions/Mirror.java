package io.mediagateway.sync.app.regions;

import io.mediagateway.sync.topics.Regions;
import io.mediagateway.sync.topics.Topic;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.connect.mirror.MirrorMaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MirrorMaker 2 (the {@code connect-mirror} artifacts of Kafka), run in this process for the flows into this region:
 * each peer's {@link Regions#REPLICATED} topics ({@code sync.device-events}, {@code sync.notifications},
 * {@code sync.broadcasts}) to this cluster's {@code <peer>.sync.…}, and the peer's {@code heartbeats} (by which
 * {@link ReplicationLag} measures the link). A region pulls; it never writes
 * into a peer's cluster (offset syncs are kept here), so a region's MM2 is the only one that needs to reach across.
 *
 * <p>One node per flow: without MM2's internal REST server (not enabled), a connector placed on a follower of the
 * flow's Connect group cannot hand its task configurations to the leader, so a region with several instances runs
 * this in one of them, or the {@code mirror} command once ({@code SYNC_MIRROR=off} on the instances; README,
 * "Regions"). It keeps its state in this cluster's {@code mm2-*.<peer>.internal} topics: no local files. {@link #properties} is also what a standalone
 * {@code connect-mirror-maker.sh} deployment needs (README, "Regions").
 */
public final class Mirror implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Mirror.class);

    private final MirrorMaker mm2;
    private final Regions regions;

    private Mirror(MirrorMaker mm2, Regions regions) {
        this.mm2 = mm2;
        this.regions = regions;
    }

    /**
     * MirrorMaker 2's configuration for the flows into this region ({@code <peer>-><self>}), with
     * {@code replicationFactor} for the topics it creates here (its internal ones and {@code <peer>.heartbeats}).
     */
    public static Map<String, String> properties(Regions regions, String ownBootstrap, int replicationFactor) {
        String self = regions.self().orElseThrow(() -> new IllegalArgumentException("no SYNC_REGION"));
        Map<String, String> p = new LinkedHashMap<>();
        p.put("clusters", self + ", " + String.join(", ", regions.peers().keySet()));
        p.put(self + ".bootstrap.servers", ownBootstrap);
        // A regex without backslashes, which a .properties file would eat: sync[.]device-events|sync[.]notifications
        String topics = Regions.REPLICATED.stream().map(t -> t.name().replace(".", "[.]")).collect(Collectors.joining("|"));
        for (Map.Entry<String, String> peer : regions.peers().entrySet()) {
            String flow = peer.getKey() + "->" + self;
            p.put(peer.getKey() + ".bootstrap.servers", peer.getValue());
            p.put(flow + ".enabled", "true");
            p.put(flow + ".topics", topics);
            p.put(self + "->" + peer.getKey() + ".enabled", "false");
        }
        // Consumer groups are not carried over (each region runs its own); the checkpoint connector cannot be switched
        // off without MM2 refusing its configuration, so it only checkpoints rarely.
        p.put("emit.checkpoints.interval.seconds", "60");
        p.put("sync.group.offsets.enabled", "false");
        p.put("sync.topic.acls.enabled", "false");
        p.put("offset-syncs.topic.location", "target");
        p.put("emit.heartbeats.interval.seconds", "1");
        // Records carried since the last flush are carried again after a restart (at least once): flush often.
        p.put("offset.flush.interval.ms", "1000");
        p.put("refresh.topics.interval.seconds", "10");
        String rf = Integer.toString(replicationFactor);
        for (String key : List.of("replication.factor", "heartbeats.topic.replication.factor",
                "checkpoints.topic.replication.factor", "offset-syncs.topic.replication.factor",
                "config.storage.replication.factor", "offset.storage.replication.factor",
                "status.storage.replication.factor")) {
            p.put(key, rf);
        }
        // Records keep their timestamps (the regions stamp an event without a time by it) and their partitions.
        p.put("replication.policy.class", "org.apache.kafka.connect.mirror.DefaultReplicationPolicy");
        p.put("replication.policy.separator", Regions.SEPARATOR);
        return p;
    }

    /** Starts MirrorMaker 2 for the flows into this region. */
    public static Mirror start(Regions regions, String ownBootstrap, int replicationFactor) {
        Map<String, String> props = properties(regions, ownBootstrap, replicationFactor);
        MirrorMaker mm2 = new MirrorMaker(props, List.of(regions.self().orElseThrow()));
        mm2.start();
        log.info("MirrorMaker 2 started: {} into {} ({} and heartbeats; replication factor {})",
                String.join(", ", regions.peers().keySet()), regions.self().orElseThrow(),
                Regions.REPLICATED.stream().map(Topic::name).collect(Collectors.joining(", ")), replicationFactor);
        return new Mirror(mm2, regions);
    }

    @Override
    public void close() {
        mm2.stop();
        log.info("MirrorMaker 2 stopped ({} into {})", String.join(", ", regions.peers().keySet()),
                regions.self().orElse("?"));
    }
}
