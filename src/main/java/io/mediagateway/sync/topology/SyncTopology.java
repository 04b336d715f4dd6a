package io.mediagateway.sync.topology;

import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.model.PresenceTimeouts;
import io.mediagateway.sync.topics.Regions;
import io.mediagateway.sync.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Builds the service's Kafka Streams topology — the one function {@code serve} and the tests call.
 *
 * <pre>
 * sync.device-events ─┬─ route-direct ─────────────────────────────────┐
 *                     └─ route-misplaced ─ events-by-user (repartition) ┴─ merge ─┐
 * sync.notifications ─┬─ notifications-route-direct ───────────────────────────┐  ├─ ingest ─┬─ sync.state-deltas
 *                     └─ notifications-route-misplaced ─ notifications-by-user ┴──┘           └─ sync.dead-letters
 *                                                                 (10 stores, presence sweep)
 * sync.broadcasts ─── broadcast-check ─── sync.dead-letters (what is not a broadcast; the rest is every instance's)
 * </pre>
 *
 * With peer regions (contract §16) the events' and notifications' sources also read the peers' remote topics
 * ({@code eu.sync.device-events}, {@code eu.sync.notifications}): the same partitions and the same users on each, so
 * one task holds a partition of users whichever region their events were written in.
 *
 * Records arrive as raw bytes (key and value), so no record can break a deserializer; ingest decodes
 * and validates them itself and dead-letters what it rejects. Notifications go to the same processor as the
 * events: a user's notifications live beside the rest of the user's state (the same task, the same owner for
 * reads) and their changes are numbered in the user's one change history. Every node, store and internal topic
 * has a fixed name ({@code ensure.explicit.internal.resource.naming}).
 */
public final class SyncTopology {
    public static final String SOURCE = "device-events-source";
    public static final String ROUTE_DIRECT = "route-direct";
    public static final String ROUTE_MISPLACED = "route-misplaced";
    /** The repartition topic is {@code <application.id>-events-by-user-repartition}. */
    public static final String EVENTS_BY_USER = "events-by-user";
    public static final String MERGE = "events-merge";
    public static final String NOTIFICATIONS_SOURCE = "notifications-source";
    public static final String NOTIFICATIONS_ROUTE_DIRECT = "notifications-route-direct";
    public static final String NOTIFICATIONS_ROUTE_MISPLACED = "notifications-route-misplaced";
    /** The repartition topic is {@code <application.id>-notifications-by-user-repartition}. */
    public static final String NOTIFICATIONS_BY_USER = "notifications-by-user";
    public static final String NOTIFICATIONS_MERGE = "notifications-merge";
    public static final String INPUTS_MERGE = "inputs-merge";
    public static final String INGEST = "ingest";
    public static final String BROADCASTS_SOURCE = "broadcasts-source";
    public static final String BROADCAST_CHECK = "broadcast-check";
    /** Its own sink: one shared with ingest would join the two into one subtopology (and one set of tasks). */
    public static final String BROADCAST_DEAD_LETTERS_SINK = "broadcast-dead-letters-sink";
    public static final String DELTAS_SINK = IngestProcessor.DELTAS_SINK;
    public static final String DEAD_LETTERS_SINK = IngestProcessor.DEAD_LETTERS_SINK;

    /**
     * What the topology needs to know.
     *
     * @param inputPartitions       partitions of {@code sync.device-events} (also of the repartition topic)
     * @param presenceTimeoutMs     a device is offline after this long without a heartbeat
     * @param maxClockSkewMs        events further ahead of the wall clock are rejected
     * @param dedupWindow           how long a user's {@code message_id}s are remembered
     * @param presenceCheckInterval how often the presence sweep runs (wall clock)
     * @param silent                build the state and write nothing (no deltas, no dead letters): a replay of
     *                              the serving state beside the running application, which already wrote them
     * @param backgroundTimeoutMs   a device whose last heartbeat said {@code app_state: background} is offline
     *                              after this long without a heartbeat (contract §12)
     * @param history               how much of each user's change history is kept (contract §13)
     * @param regions               this region and its peers, whose remote topics are read beside the own ones (§16)
     */
    public record Settings(int inputPartitions, long presenceTimeoutMs, long maxClockSkewMs,
                           OrElement.Policy watchlistPolicy, Duration dedupWindow, Duration presenceCheckInterval,
                           boolean silent, long backgroundTimeoutMs, HistoryLimits history, Regions regions) {
        public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofHours(1);
        public static final Duration DEFAULT_PRESENCE_CHECK = Duration.ofSeconds(1);

        public Settings {
            if (inputPartitions < 1) {
                throw new IllegalArgumentException("inputPartitions must be ≥ 1");
            }
            new PresenceTimeouts(presenceTimeoutMs, backgroundTimeoutMs);
            Objects.requireNonNull(history, "history");
            Objects.requireNonNull(regions, "regions");
        }

        /** One region. */
        public Settings(int inputPartitions, long presenceTimeoutMs, long maxClockSkewMs, OrElement.Policy watchlistPolicy,
                        Duration dedupWindow, Duration presenceCheckInterval, boolean silent, long backgroundTimeoutMs,
                        HistoryLimits history) {
            this(inputPartitions, presenceTimeoutMs, maxClockSkewMs, watchlistPolicy, dedupWindow, presenceCheckInterval,
                    silent, backgroundTimeoutMs, history, Regions.NONE);
        }

        /** The contract's defaults for the background timeout and the history. */
        public Settings(int inputPartitions, long presenceTimeoutMs, long maxClockSkewMs, OrElement.Policy watchlistPolicy,
                        Duration dedupWindow, Duration presenceCheckInterval) {
            this(inputPartitions, presenceTimeoutMs, maxClockSkewMs, watchlistPolicy, dedupWindow, presenceCheckInterval,
                    false, PresenceTimeouts.of(presenceTimeoutMs).backgroundMs(), HistoryLimits.DEFAULT);
        }

        /** The same settings, writing nothing (see {@code silent}). */
        public Settings silenced() {
            return new Settings(inputPartitions, presenceTimeoutMs, maxClockSkewMs, watchlistPolicy, dedupWindow,
                    presenceCheckInterval, true, backgroundTimeoutMs, history, regions);
        }

        /** The same settings with other presence timeouts and history limits. */
        public Settings with(PresenceTimeouts timeouts, HistoryLimits limits) {
            return new Settings(inputPartitions, timeouts.normalMs(), maxClockSkewMs, watchlistPolicy, dedupWindow,
                    presenceCheckInterval, silent, timeouts.backgroundMs(), limits, regions);
        }

        /** The same settings in a region with peers. */
        public Settings with(Regions otherRegions) {
            return new Settings(inputPartitions, presenceTimeoutMs, maxClockSkewMs, watchlistPolicy, dedupWindow,
                    presenceCheckInterval, silent, backgroundTimeoutMs, history, otherRegions);
        }

        public PresenceTimeouts presenceTimeouts() {
            return new PresenceTimeouts(presenceTimeoutMs, backgroundTimeoutMs);
        }

        /** The contract's defaults, with the partition count of {@code topics/sync.device-events}. */
        public static Settings defaults() {
            return new Settings(Topics.DEVICE_EVENTS.definition().partitions(), 60_000, 60_000, OrElement.Policy.DEFAULT,
                    DEFAULT_DEDUP_WINDOW, DEFAULT_PRESENCE_CHECK);
        }
    }

    private SyncTopology() {
    }

    /** {@code config} is the application's streams configuration; the topology reads its per-topology settings. */
    public static Topology build(StreamsConfig config, Settings settings) {
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(config));
        KStream<byte[], byte[]> notifications = byUser(builder, settings.regions().inputs(Topics.NOTIFICATIONS.name()),
                settings.inputPartitions(),
                new Names(NOTIFICATIONS_SOURCE, NOTIFICATIONS_ROUTE_DIRECT, NOTIFICATIONS_ROUTE_MISPLACED,
                        NOTIFICATIONS_BY_USER, NOTIFICATIONS_MERGE));
        eventsByUser(builder, settings.inputPartitions(), settings.regions()).merge(notifications, Named.as(INPUTS_MERGE))
                .process(new IngestSupplier(settings), Named.as(INGEST));
        builder.stream(Topics.BROADCASTS.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                        .withName(BROADCASTS_SOURCE))
                .process(() -> new BroadcastCheck(settings.silent()), Named.as(BROADCAST_CHECK));
        Topology topology = builder.build();
        topology.addSink(DELTAS_SINK, Topics.STATE_DELTAS.name(), new StringSerializer(), new ByteArraySerializer(), INGEST);
        topology.addSink(DEAD_LETTERS_SINK, Topics.DEAD_LETTERS.name(), new ByteArraySerializer(),
                new ByteArraySerializer(), INGEST);
        topology.addSink(BROADCAST_DEAD_LETTERS_SINK, Topics.DEAD_LETTERS.name(), new ByteArraySerializer(),
                new ByteArraySerializer(), BROADCAST_CHECK);
        return topology;
    }

    /**
     * {@code sync.device-events} as raw bytes, each user's records on one partition whatever partition
     * they arrived on (see {@link PartitionRouter}); the analytics topology reads it the same way.
     */
    public static KStream<byte[], byte[]> eventsByUser(StreamsBuilder builder, int partitions) {
        return eventsByUser(builder, partitions, Regions.NONE);
    }

    /** The same, with the peers' remote copies of {@code sync.device-events} too. */
    public static KStream<byte[], byte[]> eventsByUser(StreamsBuilder builder, int partitions, Regions regions) {
        return byUser(builder, regions.inputs(Topics.DEVICE_EVENTS.name()), partitions,
                new Names(SOURCE, ROUTE_DIRECT, ROUTE_MISPLACED, EVENTS_BY_USER, MERGE));
    }

    /** The fixed names of one input's nodes and repartition topic. */
    private record Names(String source, String direct, String misplaced, String repartition, String merge) {
    }

    private static KStream<byte[], byte[]> byUser(StreamsBuilder builder, List<String> topics, int partitions, Names names) {
        KStream<byte[], byte[]> input = builder.stream(topics,
                Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(names.source()));
        KStream<byte[], byte[]> direct = input.processValues(() -> new PartitionRouter(true, partitions),
                Named.as(names.direct()));
        KStream<byte[], byte[]> moved = input.processValues(() -> new PartitionRouter(false, partitions),
                        Named.as(names.misplaced()))
                .repartition(Repartitioned.<byte[], byte[]>as(names.repartition())
                        .withKeySerde(Serdes.ByteArray()).withValueSerde(Serdes.ByteArray())
                        .withNumberOfPartitions(partitions));
        return direct.merge(moved, Named.as(names.merge()));
    }

    private record IngestSupplier(Settings settings) implements ProcessorSupplier<byte[], byte[], Object, Object> {
        @Override
        public IngestProcessor get() {
            return new IngestProcessor(settings);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.copyOf(SyncStores.builders());
        }
    }
}
