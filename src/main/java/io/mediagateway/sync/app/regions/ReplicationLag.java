package io.mediagateway.sync.app.regions;

import io.mediagateway.sync.topics.Regions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far behind each peer region this cluster is (metric {@code sync_region_replication_lag_seconds{peer}}): the age
 * of the newest record in {@code <peer>.heartbeats}, which the peer's MirrorMaker 2 writes in its own cluster every
 * second and this region's MirrorMaker 2 carries here like the events. While the link works it is the replication
 * delay (plus up to a second, and the two clusters' clock difference); while it is cut it grows with the cut. It
 * reads the topic's newest timestamp ({@link OffsetSpec#maxTimestamp()}), once a second — no records.
 */
public final class ReplicationLag implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicationLag.class);
    private static final Duration EVERY = Duration.ofSeconds(1);

    private final Admin admin;
    private final Regions regions;
    private final LongSupplier clock;
    private final Map<String, Long> newest = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "region-replication-lag");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean reportedMissing;

    public ReplicationLag(Admin admin, Regions regions, MeterRegistry registry, LongSupplier clock) {
        this.admin = admin;
        this.regions = regions;
        this.clock = clock;
        for (String peer : regions.peers().keySet()) {
            Gauge.builder("sync.region.replication.lag", this, l -> l.lagMs(peer).stream()
                            .mapToDouble(ms -> ms / 1000.0).findFirst().orElse(Double.NaN))
                    .baseUnit("seconds")
                    .description("age of the newest MirrorMaker 2 heartbeat of the peer region in this cluster (NaN: none yet)")
                    .tag("peer", peer)
                    .register(registry);
        }
    }

    public ReplicationLag start() {
        timer.scheduleWithFixedDelay(this::measure, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Milliseconds since the newest heartbeat of {@code peer} reached here; empty before the first. */
    public OptionalLong lagMs(String peer) {
        Long at = newest.get(peer);
        return at == null ? OptionalLong.empty() : OptionalLong.of(Math.max(0, clock.getAsLong() - at));
    }

    private void measure() {
        for (String peer : regions.peers().keySet()) {
            String topic = Regions.remoteTopic(peer, Regions.HEARTBEATS);
            try {
                Map<String, TopicDescription> described = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(5, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> request = described.get(topic).partitions().stream()
                        .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.maxTimestamp()));
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> answers = admin.listOffsets(request).all()
                        .get(5, TimeUnit.SECONDS);
                answers.values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::timestamp).max()
                        .ifPresent(ts -> {
                            if (ts > 0) {
                                newest.merge(peer, ts, Math::max);
                            }
                        });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (!reportedMissing) {
                    reportedMissing = true;
                    log.info("No heartbeat of region {} here yet ({}): its MirrorMaker 2 has not reached this cluster",
                            peer, e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
                }
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
