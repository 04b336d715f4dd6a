package io.mediagateway.sync.analytics;

import io.mediagateway.sync.codec.AnalyticsCodec;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.model.HourlyCounts;
import io.mediagateway.sync.model.HourlyFigures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Interactive queries over the analytics application: the trending list on the instance running the
 * single trending task, a content's hours on the one running its partition of the hourly windows.
 */
public final class StreamsAnalyticsSource implements AnalyticsSource {
    private static final StringSerializer KEYS = new StringSerializer();

    private final Supplier<KafkaStreams> streams;
    private final Supplier<HostInfo> self;

    public StreamsAnalyticsSource(Supplier<KafkaStreams> streams, Supplier<HostInfo> self) {
        this.streams = streams;
        this.self = self;
    }

    @Override
    public Answer trending() {
        return at(AnalyticsStores.TRENDING, AnalyticsStores.TRENDING_KEY, partition -> {
            ReadOnlyKeyValueStore<String, byte[]> store = streams.get().store(StoreQueryParameters.fromNameAndType(
                    AnalyticsStores.TRENDING, QueryableStoreTypes.<String, byte[]>keyValueStore()).withPartition(partition));
            byte[] list = store.get(AnalyticsStores.TRENDING_KEY);
            return list == null ? new Empty() : new Found(Json.parse(list));
        });
    }

    @Override
    public Answer hours(String contentId, Instant from, Instant to) {
        return at(AnalyticsStores.CONTENT_HOURLY, contentId, partition -> {
            ReadOnlyWindowStore<String, HourlyCounts> store = streams.get().store(StoreQueryParameters.fromNameAndType(
                    AnalyticsStores.CONTENT_HOURLY, QueryableStoreTypes.<String, HourlyCounts>windowStore())
                    .withPartition(partition));
            List<HourlyFigures> hours = new ArrayList<>();
            try (WindowStoreIterator<HourlyCounts> it = store.fetch(contentId, from, to.minusMillis(1))) {
                while (it.hasNext()) {
                    KeyValue<Long, HourlyCounts> hour = it.next();
                    hours.add(new HourlyFigures(null, contentId, Instant.ofEpochMilli(hour.key), hour.value));
                }
            }
            return new Found(AnalyticsCodec.contentHours(contentId, from, to, hours));
        });
    }

    private Answer at(String store, String key, Function<Integer, Answer> read) {
        KafkaStreams s = streams.get();
        if (s == null) {
            return new Unavailable("the analytics application is not running here");
        }
        KeyQueryMetadata meta;
        try {
            meta = s.queryMetadataForKey(store, key, KEYS);
        } catch (IllegalStateException e) {
            return new Unavailable("the analytics application is " + s.state());
        }
        if (meta == null || meta.equals(KeyQueryMetadata.NOT_AVAILABLE) || meta.activeHost().equals(HostInfo.unavailable())) {
            return new Unavailable("the analytics application is " + s.state());
        }
        if (!meta.activeHost().equals(self.get())) {
            return new Elsewhere("http://" + meta.activeHost().host() + ":" + meta.activeHost().port());
        }
        try {
            return read.apply(meta.partition());
        } catch (InvalidStateStoreException e) {
            return new Unavailable("the analytics store is restoring or moving; retry");
        }
    }
}
