package io.mediagateway.sync.query;

import io.mediagateway.sync.ingest.LogPosition;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.topology.PartitionRouter;
import io.mediagateway.sync.topology.SyncStores;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive queries over the running streams. A user's key maps to one partition; if this instance
 * runs that partition's active task, the read is local; if another does, it is forwarded there (with
 * this instance's standby or restoring copy, if any, as the fallback); during a rebalance or a restore
 * the local copy answers, flagged stale with its lag. A read-your-writes wait checks the application's
 * committed offset on {@code sync.device-events}: under exactly-once, committed means processed and durable.
 */
public final class StreamsStateSource implements StateSource {
    private static final StringSerializer KEYS = new StringSerializer();

    private final Supplier<KafkaStreams> streams;
    private final Supplier<HostInfo> self;
    private final Admin admin;
    private final String applicationId;
    private volatile Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
    private volatile long committedAtNanos;
    /** Which instance runs each partition's active task, as of the last rebalance; null: ask Kafka Streams. */
    private volatile Owners owners;
    /** Every other instance seen in the group's metadata lately. */
    private final PeerMemory peerMemory = new PeerMemory();
    /** Bumped on every state change of the streams, so an owner map built across one is never kept. */
    private final AtomicLong generation = new AtomicLong();
    /** The lag of the local copies of the user stores, measured in the background: a stale read never waits for it. */
    private final StoreLags lags;

    /** The active host of each partition of {@code sync.device-events}, of one generation. */
    private record Owners(long generation, HostInfo[] byPartition) {
    }

    public StreamsStateSource(Supplier<KafkaStreams> streams, Supplier<HostInfo> self, Admin admin, String applicationId) {
        this.streams = streams;
        this.self = self;
        this.admin = admin;
        this.applicationId = applicationId;
        this.lags = StoreLags.onOwnThread(() -> {
            KafkaStreams s = streams.get();
            return s == null ? Map.of() : s.allLocalStorePartitionLags().getOrDefault(SyncStores.WATCHLIST, Map.of());
        });
    }

    /**
     * To be called on every state change of the streams (their state listener): the partitions may have moved,
     * so the owner map is dropped and rebuilt on the next read once the streams run again, and the lags measured of the
     * local copies are forgotten.
     */
    public void onStateChange() {
        generation.incrementAndGet();
        owners = null;
        lags.forget();
    }

    @Override
    public Location locate(String userId) {
        KafkaStreams s = streams.get();
        if (s == null) {
            return new Unavailable("the service is starting");
        }
        int partition = partitionOf(userId);
        HostInfo owner = knownOwner(s, partition);
        if (owner == null) {
            KeyQueryMetadata meta;
            try {
                meta = s.queryMetadataForKey(SyncStores.WATCHLIST, userId, KEYS);
            } catch (IllegalStateException e) {
                return new Unavailable("the streams are " + s.state());
            }
            if (meta == null || meta.equals(KeyQueryMetadata.NOT_AVAILABLE) || meta.activeHost().equals(HostInfo.unavailable())) {
                // Mid-rebalance nobody is the owner: a local copy of the user's partition may still answer.
                return localCopy(s, partition).<Location>map(l -> l).orElse(new Unavailable("the streams are " + s.state()));
            }
            // meta.partition() is this partition: the same partitioner over the same count (TopicProvisioner checks it)
            owner = meta.activeHost();
        }
        if (owner.equals(self.get())) {
            return activeCopy(s, partition).<Location>map(l -> l).orElseGet(() -> localCopy(s, partition)
                    .<Location>map(l -> l).orElse(new Unavailable("the store is restoring")));
        }
        return new Remote("http://" + owner.host() + ":" + owner.port(), localCopy(s, partition));
    }

    private static int partitionOf(String userId) {
        return PartitionRouter.partitionFor(userId.getBytes(StandardCharsets.UTF_8), Topics.DEVICE_EVENTS.definition().partitions());
    }

    /**
     * The user's owner from the map of the current generation, built once per rebalance from Kafka Streams'
     * metadata; null while the streams are not running or some partition has no owner (then each read asks
     * Kafka Streams, as before). Asking it per read took a lock every reader thread contended for
     * ({@code StreamsMetadataState}, 4,269 contended entries in one B3 profile).
     */
    private HostInfo knownOwner(KafkaStreams s, int partition) {
        Owners known = owners;
        long current = generation.get();
        if (known == null || known.generation() != current) {
            if (s.state() != KafkaStreams.State.RUNNING) {
                return null;
            }
            known = ownersOf(s, current);
            if (known == null || generation.get() != current) {
                return null;
            }
            owners = known;
        }
        return known.byPartition()[partition];
    }

    /**
     * Asked on the failure path only: the other instances in Kafka Streams' metadata of the group now (mid-rebalance
     * too), then those seen in it lately that it does not name now ({@link PeerMemory}).
     */
    @Override
    public List<String> peers() {
        KafkaStreams s = streams.get();
        List<String> now = List.of();
        if (s != null) {
            try {
                now = others(s.metadataForAllStreamsClients());
            } catch (RuntimeException e) {
                // not running: the remembered ones only
            }
        }
        return peerMemory.peers(now, System.nanoTime());
    }

    /** The base URLs of the instances among {@code clients} other than this one. */
    private List<String> others(java.util.Collection<StreamsMetadata> clients) {
        HostInfo me = self.get();
        return clients.stream().map(StreamsMetadata::hostInfo)
                .filter(h -> !h.equals(me) && !h.equals(HostInfo.unavailable()))
                .map(h -> "http://" + h.host() + ":" + h.port()).distinct().toList();
    }

    /** The owners of every partition (and, for {@link #peers()}, the other instances) as of this generation. */
    private Owners ownersOf(KafkaStreams s, long generation) {
        HostInfo[] byPartition = new HostInfo[Topics.DEVICE_EVENTS.definition().partitions()];
        try {
            var clients = s.metadataForAllStreamsClients();
            peerMemory.saw(others(clients), System.nanoTime());
            clients.forEach(client -> client.topicPartitions().stream()
                    .filter(tp -> tp.topic().equals(Topics.DEVICE_EVENTS.name()) && tp.partition() < byPartition.length)
                    .forEach(tp -> byPartition[tp.partition()] = client.hostInfo()));
        } catch (IllegalStateException e) {
            return null;
        }
        for (HostInfo host : byPartition) {
            if (host == null || host.equals(HostInfo.unavailable())) {
                return null;
            }
        }
        return new Owners(generation, byPartition);
    }

    private Optional<Local> activeCopy(KafkaStreams s, int partition) {
        try {
            UserStateReader.Stores stores = storesOf(s, partition, false);
            stores.store(SyncStores.WATCHLIST);
            return Optional.of(new Local(stores, Optional.empty()));
        } catch (InvalidStateStoreException e) {
            return Optional.empty();
        }
    }

    /** A standby or restoring copy of the partition here, flagged with its lag as last measured ({@link StoreLags}). */
    private Optional<Local> localCopy(KafkaStreams s, int partition) {
        if (partition < 0) {
            return Optional.empty();
        }
        try {
            UserStateReader.Stores stores = storesOf(s, partition, true);
            stores.store(SyncStores.WATCHLIST);
            return Optional.of(new Local(stores, Optional.of(lags.staleness(partition))));
        } catch (InvalidStateStoreException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    private static UserStateReader.Stores storesOf(KafkaStreams s, int partition, boolean stale) {
        return name -> {
            StoreQueryParameters<ReadOnlyKeyValueStore<String, byte[]>> p = StoreQueryParameters
                    .fromNameAndType(name, QueryableStoreTypes.<String, byte[]>keyValueStore()).withPartition(partition);
            return s.store(stale ? p.enableStaleStores() : p);
        };
    }

    @Override
    public boolean hasProcessed(String userId, LogPosition token) {
        OffsetAndMetadata c = committedOffsets().get(new TopicPartition(Topics.DEVICE_EVENTS.name(), token.partition()));
        return c != null && c.offset() > token.offset();
    }

    @Override
    public WriteWait awaitWrite(String userId, LogPosition token, Duration timeout) throws InterruptedException {
        TopicPartition tp = new TopicPartition(Topics.DEVICE_EVENTS.name(), token.partition());
        long deadline = System.nanoTime() + timeout.toNanos();
        // Asked once per wait, after the write was acknowledged: a log that ends at or before the token's
        // position never held it (a token of another cluster sharing the secret, or of a log since deleted).
        if (logEnd(tp) <= token.offset()) {
            return WriteWait.NOT_IN_LOG;
        }
        while (true) {
            OffsetAndMetadata c = committedOffsets().get(tp);
            if (c != null && c.offset() > token.offset()) {
                return WriteWait.PROCESSED;
            }
            if (System.nanoTime() > deadline) {
                return WriteWait.TIMED_OUT;
            }
            Thread.sleep(5);
        }
    }

    /** The partition's end offset, or {@link Long#MAX_VALUE} when Kafka does not say (the wait then decides). */
    private long logEnd(TopicPartition tp) {
        try {
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp)
                    .get(2, java.util.concurrent.TimeUnit.SECONDS).offset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Long.MAX_VALUE;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return Long.MAX_VALUE;
        }
    }

    /** The group's committed offsets, fetched at most every 10 ms however many reads wait. */
    private Map<TopicPartition, OffsetAndMetadata> committedOffsets() {
        if (System.nanoTime() - committedAtNanos > 10_000_000L) {
            synchronized (this) {
                if (System.nanoTime() - committedAtNanos > 10_000_000L) {
                    try {
                        committed = admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata()
                                .get(5, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (Exception e) {
                        // keep the last answer; the caller's deadline bounds the wait
                    }
                    committedAtNanos = System.nanoTime();
                }
            }
        }
        return committed;
    }
}
