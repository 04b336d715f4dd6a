package io.mediagateway.sync.bench;

import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.topology.StreamsProperties;
import io.mediagateway.sync.topology.SyncTopology;
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
    private MixedEvents mix;

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
        mix = new MixedEvents(items, START.toEpochMilli());
        for (int u = 0; u < USERS; u++) {
            for (int i = 0; i < items; i++) {
                events.pipeInput("user-" + u, bytes(mix.seedAdd(i)));
                events.pipeInput("user-" + u, bytes(mix.seedProgress(i)));
            }
            drain();
        }
        if (deadLetters.getQueueSize() > 0) {
            throw new IllegalStateException("the seed events were dead-lettered");
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void drain() {
        deltas.readValuesToList();
    }

    @Benchmark
    public void event() {
        long i = mix.position();
        // Groups of five events per user, so a remove goes to the user and item its add went to.
        events.pipeInput("user-" + (i / 5 % USERS), bytes(mix.next()));
        if ((i & 1023) == 0) {
            drain();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        driver.close();
        try (var files = Files.walk(stateDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
