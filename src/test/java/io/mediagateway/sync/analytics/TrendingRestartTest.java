package io.mediagateway.sync.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.codec.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The trending task keeps its ranking in memory and its starts per minute in a store: a task started
 * again (a restart, a move to another instance) ranks from the store exactly as before.
 */
class TrendingRestartTest {
    private static final long T = Instant.parse("2026-11-21T10:00:00Z").toEpochMilli();

    @Test
    void aRestartedTaskRanksFromItsStoreAsBefore() {
        MockProcessorContext<String, byte[]> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(T);
        KeyValueStore<org.apache.kafka.common.utils.Bytes, Long> minutes = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(AnalyticsStores.TRENDING_MINUTES), Serdes.Bytes(), Serdes.Long())
                .withLoggingDisabled().build();
        KeyValueStore<String, byte[]> trending = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(AnalyticsStores.TRENDING), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        minutes.init(context.getStateStoreContext(), minutes);
        trending.init(context.getStateStoreContext(), trending);
        context.addStateStore(minutes);
        context.addStateStore(trending);
        AnalyticsSettings settings = AnalyticsSettings.defaults("app", 1).withTrendingSize(3);

        Trending first = new Trending(settings);
        first.init(context);
        start(first, "a", 0);
        start(first, "a", 1);
        start(first, "b", 2);
        start(first, "c", 3);
        start(first, "c", 4);
        start(first, "c", 5);
        assertThat(publish(context)).containsExactly("c=3", "a=2", "b=1");

        Trending again = new Trending(settings);   // the same stores, a new processor: a restarted task
        again.init(context);
        start(again, "b", 10);
        start(again, "b", 11);
        assertThat(publish(context)).containsExactly("b=3", "c=3", "a=2");
        start(again, "d", 62);                       // 11:02: the starts of 10:00–10:02 leave the window
        assertThat(publish(context)).containsExactly("c=3", "b=2", "d=1");
    }

    private static void start(Trending t, String content, int minute) {
        t.process(new Record<>(AnalyticsStores.TRENDING_KEY, content, T + minute * 60_000L));
    }

    /** Runs the wall-clock punctuation and returns the list it published. */
    private static List<String> publish(MockProcessorContext<String, byte[]> context) {
        context.resetForwards();
        context.scheduledPunctuators().get(context.scheduledPunctuators().size() - 1).getPunctuator().punctuate(0);
        List<String> out = new ArrayList<>();
        JsonNode list = Json.parse(context.forwarded().get(0).record().value());
        list.get("items").forEach(i -> out.add(i.get("content_id").asText() + "=" + i.get("starts").asLong()));
        return out;
    }
}
