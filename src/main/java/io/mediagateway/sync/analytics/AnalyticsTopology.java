package io.mediagateway.sync.analytics;

import io.mediagateway.sync.codec.AnalyticsCodec;
import io.mediagateway.sync.model.HourlyCounts;
import io.mediagateway.sync.model.HourlyFigures;
import io.mediagateway.sync.topics.Regions;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.topology.SyncStores;
import io.mediagateway.sync.topology.SyncTopology;
import io.mediagateway.sync.topology.WindowMarkers;
import java.time.Instant;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedWindowStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The analytics application's topology, over the same log as the serving one but with its own
 * application id, stores and offsets, so it can be reset and replayed without touching serving state.
 *
 * <pre>
 * sync.device-events ─ (by user, as serving) ─ viewing-sessions ─┬─ increments-by-content ─ hourly windows ─ sync.analytics.content-hourly
 *                     (per user and content: starts, completions,  └─ starts-for-trending (1 partition) ─ trending ─ sync.analytics.trending
 *                      abandons, watch time; dedup; lateness)
 * </pre>
 *
 * The hourly windows keep the figures of each content per hour of event time (store
 * {@link AnalyticsStores#CONTENT_HOURLY}, queryable); lateness is decided earlier, per user partition,
 * by {@link ViewingSessions}, so the windows accept whatever it passed and a replay drops exactly what
 * the first run dropped.
 */
public final class AnalyticsTopology {
    public static final String SESSIONS = "viewing-sessions";
    public static final String HOURLY = "content-hourly-aggregate";
    public static final String TRENDING = "trending";

    private AnalyticsTopology() {
    }

    public static Topology build(StreamsConfig config, AnalyticsSettings settings, AnalyticsCounters counters) {
        return build(config, settings, counters, Regions.NONE);
    }

    /**
     * The same, counting the peer regions' events too (contract §16): every region's figures and trending list are
     * the whole service's, each event counted once.
     */
    public static Topology build(StreamsConfig config, AnalyticsSettings settings, AnalyticsCounters counters,
                                 Regions regions) {
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(config));
        Serde<HourlyCounts> counts = HourlyCountsSerde.serde();
        KStream<String, HourlyCounts> increments = SyncTopology.eventsByUser(builder, settings.inputPartitions(), regions)
                .process(new SessionsSupplier(settings, counters), Named.as(SESSIONS));

        long graceMs = settings.retention().minus(AnalyticsSettings.HOUR).toMillis();
        increments.filter((content, inc) -> !content.equals(ViewingSessions.TICK), Named.as("figures"))
                .groupByKey(Grouped.with(AnalyticsStores.INCREMENTS_BY_CONTENT, Serdes.String(), counts))
                .windowedBy(TimeWindows.ofSizeAndGrace(AnalyticsSettings.HOUR, java.time.Duration.ofMillis(graceMs)))
                .aggregate(() -> HourlyCounts.ZERO, (content, inc, total) -> total.plus(inc), Named.as(HOURLY),
                        Materialized.<String, HourlyCounts, WindowStore<Bytes, byte[]>>as(AnalyticsStores.CONTENT_HOURLY)
                                .withKeySerde(Serdes.String()).withValueSerde(counts).withRetention(settings.retention()))
                .toStream(Named.as("content-hourly-changes"))
                .processValues(HourlyStoreMarker::new, Named.as("content-hourly-marker"), AnalyticsStores.CONTENT_HOURLY)
                .map((window, total) -> KeyValue.pair(hourlyKey(window), AnalyticsCodec.encodeHourly(new HourlyFigures(
                        settings.applicationId(), window.key(), Instant.ofEpochMilli(window.window().start()), total))), Named.as("content-hourly-json"))
                .to(Topics.CONTENT_HOURLY.name(), Produced.with(Serdes.String(), Serdes.ByteArray())
                        .withName("content-hourly-sink"));

        increments.filter((content, inc) -> inc.starts() > 0 || content.equals(ViewingSessions.TICK), Named.as("starts"))
                .map((content, inc) -> KeyValue.pair(AnalyticsStores.TRENDING_KEY, content), Named.as("starts-to-one-key"))
                .repartition(Repartitioned.<String, String>as(AnalyticsStores.STARTS_FOR_TRENDING)
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.String()).withNumberOfPartitions(1))
                .process(new TrendingSupplier(settings), Named.as(TRENDING))
                .to(Topics.TRENDING.name(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("trending-sink"));
        return builder.build();
    }

    /**
     * Passes the hourly changes on, all but the marker; when its task starts on an empty {@code content-hourly} store it
     * writes {@link AnalyticsStores#HOURLY_MARKER} there (see {@link WindowMarkers}): a content no event
     * can name, at time 0, with zero figures.
     */
    private static final class HourlyStoreMarker implements FixedKeyProcessor<Windowed<String>, HourlyCounts, HourlyCounts> {
        private FixedKeyProcessorContext<Windowed<String>, HourlyCounts> context;

        @Override
        public void init(FixedKeyProcessorContext<Windowed<String>, HourlyCounts> context) {
            this.context = context;
            TimestampedWindowStore<String, HourlyCounts> store = context.getStateStore(AnalyticsStores.CONTENT_HOURLY);
            if (WindowMarkers.markIfEmpty(store, AnalyticsStores.HOURLY_MARKER, ValueAndTimestamp.make(HourlyCounts.ZERO, 0L))) {
                context.commit();
            }
        }

        @Override
        public void process(FixedKeyRecord<Windowed<String>, HourlyCounts> record) {
            // The store's record cache flushes the marker downstream like any entry: it is not a figure.
            if (!record.key().key().equals(AnalyticsStores.HOURLY_MARKER)) {
                context.forward(record);
            }
        }
    }

    /** The key of an hourly record: {@code <hour start, ISO-8601>|<content id>}. */
    static String hourlyKey(Windowed<String> window) {
        return Instant.ofEpochMilli(window.window().start()) + "|" + window.key();
    }

    private record SessionsSupplier(AnalyticsSettings settings, AnalyticsCounters counters)
            implements ProcessorSupplier<byte[], byte[], String, HourlyCounts> {
        @Override
        public ViewingSessions get() {
            return new ViewingSessions(settings, counters);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            return Set.of(
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AnalyticsStores.SESSIONS),
                            Serdes.String(), Serdes.ByteArray()).withCachingEnabled()
                            .withLoggingEnabled(SyncStores.ERASABLE_CHANGELOG),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AnalyticsStores.SESSIONS_BY_TIME),
                            Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled()
                            .withLoggingEnabled(SyncStores.ERASABLE_CHANGELOG),
                    Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AnalyticsStores.EVENT_CLOCK),
                            Serdes.String(), Serdes.Long()).withCachingEnabled());
        }
    }

    private record TrendingSupplier(AnalyticsSettings settings) implements ProcessorSupplier<String, String, String, byte[]> {
        @Override
        public Trending get() {
            return new Trending(settings);
        }

        @Override
        public Set<StoreBuilder<?>> stores() {
            StoreBuilder<KeyValueStore<Bytes, Long>> minutes = Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(AnalyticsStores.TRENDING_MINUTES), Serdes.Bytes(), Serdes.Long())
                    .withCachingEnabled();
            StoreBuilder<KeyValueStore<String, byte[]>> list = Stores.keyValueStoreBuilder(
                    Stores.persistentKeyValueStore(AnalyticsStores.TRENDING), Serdes.String(), Serdes.ByteArray());
            return Set.of(minutes, list);
        }
    }
}
