package io.mediagateway.sync.bench;

import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.topology.StreamsProperties;
import io.mediagateway.sync.topology.SyncStores;
import io.mediagateway.sync.topology.SyncTopology;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * B5: one user adds and removes the same 100 titles over and over (from two devices, each remove naming
 * the tag it saw), then adds each once more. The watchlist store must hold about what a fresh user
 * with those 100 live items holds: removed tags leave no tombstones behind.
 */
final class B5WatchlistChurn implements Scenario {
    static final int ITEMS = 100;

    @Override
    public String id() {
        return "B5";
    }

    @Override
    public String title() {
        return "1,000,000 add/remove cycles over 100 items of one user";
    }

    @Override
    public String goal() {
        return "store bytes ≤ 2 × a fresh state with the same live items";
    }

    @Override
    public String settings(BenchContext ctx) {
        return String.format("%,d cycles (an add with a new tag, then a remove of that tag, devices alternating) over %d items "
                + "of one user, then one add per item; the real topology in a TopologyTestDriver; bytes = keys + values of the "
                + "user's entries in the `watchlist` store; baseline: a fresh driver given only the final adds", cycles(ctx), ITEMS);
    }

    private static int cycles(BenchContext ctx) {
        return ctx.size(1_000_000, 20_000);
    }

    @Override
    public List<String> metrics() {
        return List.of("churned bytes", "fresh bytes", "ratio", "cycles/s");
    }

    @Override
    public Map<String, Double> run(BenchContext ctx) throws Exception {
        int cycles = cycles(ctx);
        long started = System.nanoTime();
        long churned = storeBytes(ctx, cycles);
        double rate = cycles / ((System.nanoTime() - started) / 1e9);
        long fresh = storeBytes(ctx, 0);
        return Scenario.sample("churned bytes", churned, "fresh bytes", fresh, "ratio", (double) churned / fresh, "cycles/s", rate);
    }

    private static long storeBytes(BenchContext ctx, int cycles) {
        Instant start = Instant.now().minusSeconds(7200);
        Properties props = StreamsProperties.of("b5-" + System.nanoTime(), "localhost:9", ctx.dir("b5"), 1, 50, 0);
        SyncTopology.Settings settings = new SyncTopology.Settings(1, 60_000, 60_000, OrElement.Policy.DEFAULT,
                Duration.ofHours(1), Duration.ofSeconds(1));
        try (TopologyTestDriver driver = new TopologyTestDriver(SyncTopology.build(new StreamsConfig(props), settings),
                props, start)) {
            TestInputTopic<String, byte[]> in = driver.createInputTopic(Topics.DEVICE_EVENTS.name(), new StringSerializer(),
                    new ByteArraySerializer(), start, Duration.ZERO);
            TestOutputTopic<String, byte[]> out = driver.createOutputTopic(Topics.STATE_DELTAS.name(), new StringDeserializer(),
                    new ByteArrayDeserializer());
            long hlc = Hlc.pack(start.toEpochMilli(), 0);
            for (int c = 0; c < cycles; c++) {
                String device = c % 2 == 0 ? "tv" : "phone";
                String content = "tmdb:" + (c % ITEMS);
                in.pipeInput("churner", bytes("{\"msg_type\":\"watchlist_update\",\"device_id\":\"" + device
                        + "\",\"operation\":\"Add\",\"content_id\":\"" + content + "\",\"unique_tag\":\"t" + c + "\",\"hlc\":\""
                        + (hlc++) + "\"}"));
                in.pipeInput("churner", bytes("{\"msg_type\":\"watchlist_update\",\"device_id\":\"" + device
                        + "\",\"operation\":\"Remove\",\"content_id\":\"" + content + "\",\"observed_tags\":[\"t" + c
                        + "\"],\"hlc\":\"" + (hlc++) + "\"}"));
                if ((c & 4095) == 0) {
                    out.readValuesToList();
                }
            }
            for (int i = 0; i < ITEMS; i++) {
                in.pipeInput("churner", bytes("{\"msg_type\":\"watchlist_update\",\"device_id\":\"tv\",\"operation\":\"Add\","
                        + "\"content_id\":\"tmdb:" + i + "\",\"unique_tag\":\"final-" + i + "\",\"hlc\":\"" + (hlc++) + "\"}"));
            }
            out.readValuesToList();
            KeyValueStore<String, byte[]> store = driver.getKeyValueStore(SyncStores.WATCHLIST);
            long bytes = 0;
            int entries = 0;
            try (KeyValueIterator<String, byte[]> it = store.all()) {
                while (it.hasNext()) {
                    KeyValue<String, byte[]> kv = it.next();
                    if (kv.key.startsWith("churner")) {
                        bytes += kv.key.getBytes(StandardCharsets.UTF_8).length + kv.value.length;
                        entries++;
                    }
                }
            }
            if (entries != ITEMS) {
                throw new IllegalStateException("expected " + ITEMS + " watchlist entries, found " + entries);
            }
            return bytes;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Verdict verdict(Map<String, Stats> stats) {
        double ratio = stats.get("ratio").median();
        return new Verdict(ratio <= 2.0, String.format("%.2f × the fresh state", ratio));
    }
}
