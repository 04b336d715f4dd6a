package io.mediagateway.sync.bench;

import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.demo.DeviceSimulator;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.topology.StreamsProperties;
import io.mediagateway.sync.topology.SyncTopology;
import io.mediagateway.sync.topology.Workload;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * B6: the encoded size of every delta kind the topology emits, from two realistic inputs run through the
 * real topology (in a {@link TopologyTestDriver}): the test workload (watchlist with tags, progress,
 * preferences, devices, commands) and the demo's devices (full capabilities, titles with metadata).
 */
final class B6DeltaSizes implements Scenario {
    static final List<String> KINDS = List.of("watchlist_update", "watch_progress_update", "preference_update",
            "device_online", "device_updated", "device_offline", "remote_command", "command_rejected");

    @Override
    public String id() {
        return "B6";
    }

    @Override
    public String title() {
        return "encoded size of each delta kind";
    }

    @Override
    public String goal() {
        return "p99 ≤ 500 bytes for every kind";
    }

    @Override
    public String settings(BenchContext ctx) {
        return String.format("%,d Workload events over 200 users plus %d simulated minutes of the demo's devices "
                + "(3 users), through the topology in a TopologyTestDriver; UTF-8 bytes of each delta's JSON value", events(ctx),
                minutes(ctx));
    }

    private static int events(BenchContext ctx) {
        return ctx.size(50_000, 10_000);
    }

    private static int minutes(BenchContext ctx) {
        return ctx.size(30, 5);
    }

    @Override
    public List<String> metrics() {
        List<String> out = new ArrayList<>(List.of("worst p99 bytes", "largest bytes"));
        KINDS.forEach(k -> out.add("p99 " + k));
        return out;
    }

    @Override
    public Map<String, Double> run(BenchContext ctx) throws Exception {
        Instant start = Instant.now().minusSeconds(3600);
        Properties props = StreamsProperties.of("b6-" + System.nanoTime(), "localhost:9", ctx.dir("b6"), 1, 50, 0);
        SyncTopology.Settings settings = new SyncTopology.Settings(1, 20_000, 60_000, OrElement.Policy.DEFAULT,
                Duration.ofHours(1), Duration.ofSeconds(1));
        Map<String, List<Integer>> sizes = new TreeMap<>();
        try (TopologyTestDriver driver = new TopologyTestDriver(SyncTopology.build(new StreamsConfig(props), settings),
                props, start)) {
            TestInputTopic<String, byte[]> in = driver.createInputTopic(Topics.DEVICE_EVENTS.name(), new StringSerializer(),
                    new ByteArraySerializer(), start, Duration.ZERO);
            TestOutputTopic<String, String> out = driver.createOutputTopic(Topics.STATE_DELTAS.name(),
                    new StringDeserializer(), new StringDeserializer());
            driver.createOutputTopic(Topics.DEAD_LETTERS.name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            for (Workload.Event e : Workload.generate(11, start.toEpochMilli(), 200, events(ctx), 5,
                    new Workload.Mix(false, true, true))) {
                in.pipeInput(e.user(), e.value());
                collect(out, sizes);
            }
            DeviceSimulator simulator = new DeviceSimulator(DeviceSimulator.Settings.demo(List.of("alice", "bob", "carol")));
            long t0 = start.toEpochMilli() + 600_000;
            for (long t = t0; t < t0 + minutes(ctx) * 60_000L; t += 500) {
                driver.advanceWallClockTime(Duration.ofMillis(500));
                for (DeviceSimulator.Event e : simulator.tick(t)) {
                    in.pipeInput(e.key(), e.value().getBytes(StandardCharsets.UTF_8), Instant.ofEpochMilli(t));
                }
                collect(out, sizes);
            }
        }
        Map<String, Double> sample = new LinkedHashMap<>();
        double worst = 0;
        double largest = 0;
        Map<String, Double> perKind = new LinkedHashMap<>();
        for (String kind : KINDS) {
            List<Integer> s = sizes.getOrDefault(kind, List.of());
            double p99 = s.isEmpty() ? Double.NaN : s.stream().sorted().toList().get((int) Math.min(s.size() - 1, Math.floor(0.99 * s.size())));
            perKind.put("p99 " + kind, p99);
            if (!s.isEmpty()) {
                worst = Math.max(worst, p99);
                largest = Math.max(largest, s.stream().mapToInt(Integer::intValue).max().orElse(0));
            }
        }
        sample.put("worst p99 bytes", worst);
        sample.put("largest bytes", largest);
        sample.putAll(perKind);
        return sample;
    }

    private static void collect(TestOutputTopic<String, String> out, Map<String, List<Integer>> sizes) {
        for (String delta : out.readValuesToList()) {
            String kind = Json.parse(delta).path("msg_type").asText();
            sizes.computeIfAbsent(kind, k -> new ArrayList<>()).add(delta.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Override
    public Verdict verdict(Map<String, Stats> stats) {
        double worst = stats.get("worst p99 bytes").median();
        List<String> missing = KINDS.stream().filter(k -> Double.isNaN(stats.get("p99 " + k).median())).toList();
        return new Verdict(worst <= 500 && missing.isEmpty(), String.format("worst p99 %.0f bytes, largest %.0f",
                worst, stats.get("largest bytes").median()) + (missing.isEmpty() ? "" : "; no sample of " + missing));
    }
}
