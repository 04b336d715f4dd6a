package io.mediagateway.sync.bench;

import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.topology.StreamsProperties;
import io.mediagateway.sync.topology.SyncTopology;
import io.mediagateway.sync.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of one event against the size of its user's state: the real topology (RocksDB stores with
 * caching, in a {@link TopologyTestDriver}, no broker) processing a mix of watchlist adds and removes,
 * progress, preferences and heartbeats for users who hold {@code items} watchlist items and as many
 * progress entries. Per-item store keys should make the two sizes cost the same.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TopologyCostBenchmark {
    private static final int USERS = 10;
    private static final Instant START = Instant.parse("2026-11-21T10:00:00Z");

    @Param({"10", "10000"})
    public int items;

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> events;
    private TestOutputTopic<String, String> deltas;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private Path stateDir;
    private long n;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        stateDir = Files.createTempDirectory("topology-cost");
        Properties props = StreamsProperties.of("cost-" + items, "localhost:9", stateDir, 1, 50, 0);
        // One partition: every record is processed where it lands (no repartition hop in the driver).
        SyncTopology.Settings settings = new SyncTopology.Settings(1, 60_000, 60_000, OrElement.Policy.DEFAULT,
                Duration.ofHours(1), Duration.ofSeconds(1));
        driver = new TopologyTestDriver(SyncTopology.build(new StreamsConfig(props), settings), props, START);
        events = driver.createInputTopic(Topics.DEVICE_EVENTS.name(), new StringSerializer(), new ByteArraySerializer(),
                START, Duration.ZERO);
        deltas = driver.createOutputTopic(Topics.STATE_DELTAS.name(), new StringDeserializer(), new StringDeserializer());
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        for (int u = 0; u < USERS; u++) {
            for (int i = 0; i < items; i++) {
                events.pipeInput("user-" + u, bytes("{\"msg_type\":\"watchlist_update\",\"device_id\":\"tv\",\"operation\":\"Add\","
                        + "\"content_id\":\"c-" + i + "\",\"unique_tag\":\"seed-" + i + "\",\"hlc\":\"" + hlc() + "\"}"));
                events.pipeInput("user-" + u, bytes("{\"msg_type\":\"watch_progress_update\",\"device_id\":\"tv\","
                        + "\"content_id\":\"c-" + i + "\",\"position_seconds\":10,\"duration_seconds\":3600,\"hlc\":\"" + hlc() + "\"}"));
            }
            drain();
        }
        if (deadLetters.getQueueSize() > 0) {
            throw new IllegalStateException("the seed events were dead-lettered");
        }
    }

    private long hlc() {
        return Hlc.pack(START.toEpochMilli(), 0) + n++;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void drain() {
        deltas.readValuesToList();
    }

    @Benchmark
    public void event() {
        long i = n;
        // Groups of five events per user, so a remove goes to the user and item its add went to.
        String user = "user-" + (i / 5 % USERS);
        String content = contentOf(i);
        String common = "\"device_id\":\"" + (i % 3 == 0 ? "tv" : "phone") + "\",\"hlc\":\"" + hlc() + "\",";
        String value = switch ((int) (i % 5)) {
            case 0 -> "{\"msg_type\":\"watchlist_update\"," + common + "\"operation\":\"Add\",\"content_id\":\"" + content
                    + "\",\"unique_tag\":\"t-" + i + "\"}";
            case 1 -> "{\"msg_type\":\"watchlist_update\"," + common + "\"operation\":\"Remove\",\"content_id\":\""
                    + contentOf(i - 1) + "\",\"observed_tags\":[\"t-" + (i - 1) + "\"]}";
            case 2 -> "{\"msg_type\":\"watch_progress_update\"," + common + "\"content_id\":\"" + content
                    + "\",\"position_seconds\":" + (i % 3600) + ",\"duration_seconds\":3600,\"state\":\"Playing\"}";
            case 3 -> "{\"msg_type\":\"preference_update\"," + common + "\"key\":\"k-" + (i % 7) + "\",\"value\":" + i + "}";
            default -> "{\"msg_type\":\"device_heartbeat\"," + common + "\"device_type\":\"TV\"}";
        };
        events.pipeInput(user, bytes(value));
        if ((i & 1023) == 0) {
            drain();
        }
    }

    /** Spreads events over the user's items; a remove (i) names the content the add (i - 1) went to. */
    private String contentOf(long i) {
        return "c-" + ((i / 5 * 7919) % items);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        driver.close();
        try (var files = Files.walk(stateDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
