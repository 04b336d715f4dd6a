package io.mediagateway.sync.bench;

import com.sun.management.OperatingSystemMXBean;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.topology.StreamsProperties;
import io.mediagateway.sync.topology.SyncTopology;
import io.mediagateway.sync.topology.Workload;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * B1: a backlog of mixed device events for 10,000 users through the full topology under
 * {@code exactly_once_v2}, against a trivial {@code groupByKey().count()} over the same records on the same
 * broker with the same settings — the machine's ceiling for a stateful exactly-once application.
 */
final class B1TopologyVsBaseline implements Scenario {
    static final int USERS = Integer.getInteger("bench.b1Users", 10_000);
    private int repetition;

    @Override
    public String id() {
        return "B1";
    }

    @Override
    public String title() {
        return "full topology vs `groupByKey().count()`, 10,000 users, exactly-once";
    }

    @Override
    public String goal() {
        return "≥ 60 % of the baseline's events/s";
    }

    @Override
    public String settings(BenchContext ctx) {
        return String.format("%,d mixed events (Workload: watchlist, progress, preferences, devices, commands) for %,d users "
                + "already on `sync.device-events` (12 partitions); each application consumes the backlog from RUNNING to its "
                + "last commit; 1 stream thread, commit interval %d ms, RocksDB stores, embedded broker in the same JVM; "
                + "the two run one after the other on the same broker, alternating which goes first, after one unmeasured "
                + "pass of both over %,d events (JIT warm-up; none in a quick run)",
                events(ctx), USERS, commitInterval(), WARM_UP);
    }

    /** Events of the unmeasured pass before the first repetition (none in a quick run). */
    private static final int WARM_UP = 100_000;

    /** Events of a measured pass (B1 and B12). */
    static int events(BenchContext ctx) {
        return ctx.size(200_000, 20_000);
    }

    /** What a topology-vs-baseline scenario reports (B1 and B12). */
    static final List<String> METRICS =
            List.of("topology events/s", "baseline events/s", "ratio", "topology CPU µs/event", "baseline CPU µs/event");

    @Override
    public List<String> metrics() {
        return METRICS;
    }

    @Override
    public Map<String, Double> run(BenchContext ctx) throws Exception {
        return repetition(ctx, "b1", repetition++, WARM_UP, n -> Workload.generate(42,
                System.currentTimeMillis() - 3_600_000, USERS, n, 0, new Workload.Mix(false, false, true)));
    }

    /**
     * One repetition of a topology-vs-baseline scenario over {@code backlog} of {@link #events} events, the
     * two alternating which goes first; before the first of a full run, both once over {@code warmUp} events,
     * unmeasured: in a fresh JVM the JIT compiler threads take most of a core for the first tens of seconds,
     * and whichever application ran first would pay for it. (A quick run is a cold-JVM smoke test anyway.)
     */
    static Map<String, Double> repetition(BenchContext ctx, String name, int repetition, int warmUp,
                                          IntFunction<List<Workload.Event>> backlog) throws Exception {
        if (repetition == 0 && !ctx.quick) {
            measure(ctx, name + "-warmup", backlog.apply(warmUp), true);
        }
        return measure(ctx, name, backlog.apply(events(ctx)), repetition % 2 == 0);
    }

    /** The topology and the baseline over the same backlog of {@code events}, one after the other. */
    private static Map<String, Double> measure(BenchContext ctx, String name, List<Workload.Event> events, boolean baselineFirst)
            throws Exception {
        int n = events.size();
        try (BenchContext.Broker broker = ctx.broker(name); Admin admin = broker.admin()) {
            produce(broker, events);
            Pass baseline = null;
            Pass topology = null;
            for (int turn = 0; turn < 2; turn++) {
                if ((turn == 0) == baselineFirst) {
                    baseline = pass(ctx, admin, broker.bootstrap(), "b1-baseline", n, true);
                } else {
                    topology = pass(ctx, admin, broker.bootstrap(), "b1-topology", n, false);
                }
            }
            return Scenario.sample("topology events/s", topology.eventsPerSecond(), "baseline events/s",
                    baseline.eventsPerSecond(), "ratio", topology.eventsPerSecond() / baseline.eventsPerSecond(),
                    "topology CPU µs/event", topology.cpuMicrosPerEvent(), "baseline CPU µs/event",
                    baseline.cpuMicrosPerEvent());
        }
    }

    static void produce(BenchContext.Broker broker, List<Workload.Event> events) throws Exception {
        try (KafkaProducer<String, byte[]> producer = broker.producer()) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (Workload.Event e : events) {
                sent.add(producer.send(new ProducerRecord<>(Topics.DEVICE_EVENTS.name(), e.user(), e.value())));
            }
            BenchContext.await(sent);
        }
    }

    /**
     * One application's pass over the backlog: its events/s, and the CPU time the whole process (the stream
     * thread, RocksDB's threads, the embedded broker) spent per event meanwhile — a cost that the machine's
     * neighbours disturb much less than the rate.
     */
    record Pass(double eventsPerSecond, double cpuMicrosPerEvent) {
    }

    /** Events/s of one application consuming the whole backlog, from RUNNING to its last commit. */
    static double consume(BenchContext ctx, Admin admin, String bootstrap, String name, int events, boolean baseline)
            throws Exception {
        return pass(ctx, admin, bootstrap, name, events, baseline).eventsPerSecond();
    }

    static Pass pass(BenchContext ctx, Admin admin, String bootstrap, String name, int events, boolean baseline)
            throws Exception {
        String applicationId = name + "-" + System.nanoTime();
        Properties props = StreamsProperties.of(applicationId, bootstrap, ctx.dir(name), 1, commitInterval(), 0);
        if (Long.getLong("bench.cacheBytes") != null) {
            props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, Long.getLong("bench.cacheBytes"));
        }
        if (Boolean.getBoolean("bench.defaultRocksDb")) {
            props.remove(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG);
        }
        // -Dbench.streams.<config>=<value>: any Streams, producer or consumer setting, for both applications
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.streams."))
                .forEach(k -> props.put(k.substring("bench.streams.".length()), System.getProperty(k)));
        Topology topology = baseline ? baseline() : SyncTopology.build(new StreamsConfig(props), SyncTopology.Settings.defaults());
        try (KafkaStreams streams = new KafkaStreams(topology, props)) {
            BenchContext.failFast(streams);
            streams.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (streams.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            long start = System.nanoTime();
            long cpuStart = processCpuNanos();
            BenchContext.awaitCommitted(admin, applicationId, Topics.DEVICE_EVENTS.name(), Duration.ofMinutes(15), streams);
            long cpu = processCpuNanos() - cpuStart;
            System.out.println("  " + name + ": " + transactions(streams, events));
            return new Pass(events / ((System.nanoTime() - start) / 1e9), cpu / 1e3 / events);
        }
    }

    /**
     * What the transactions cost the stream thread (its commits, from its metrics) and how often the producer
     * retried a batch: under Kafka 4's transactions v2 a transaction's first write to a partition can meet the
     * previous transaction's markers not yet written ({@code CONCURRENT_TRANSACTIONS}), and the batches behind it
     * then fail with {@code OUT_OF_ORDER_SEQUENCE_NUMBER}; both are retried after {@code retry.backoff.ms}, and the
     * commit waits for them.
     */
    static String transactions(KafkaStreams streams, int events) {
        Map<String, Double> sums = new java.util.TreeMap<>();
        Map<String, Double> maxima = new java.util.TreeMap<>();
        streams.metrics().forEach((name, metric) -> {
            if (!(metric.metricValue() instanceof Double v) || v.isNaN() || v.isInfinite()) {
                return;
            }
            String key = name.group() + "/" + name.name();
            switch (key) {
                case "producer-metrics/record-retry-total", "producer-metrics/txn-commit-time-ns-total",
                     "producer-metrics/record-send-total",
                     "producer-metrics/flush-time-ns-total", "stream-thread-metrics/commit-total" ->
                        sums.merge(key, v, Double::sum);
                case "stream-thread-metrics/commit-latency-max", "stream-thread-metrics/commit-latency-avg",
                     "stream-thread-metrics/commit-ratio" ->
                        maxima.merge(key, v, Math::max);
                default -> {
                }
            }
        });
        double commits = sums.getOrDefault("stream-thread-metrics/commit-total", 0.0);
        return String.format("%,.0f commits, latency avg %.1f ms, max %.0f ms, %.0f %% of the thread's time (last 30 s); producer txn-commit %.2f ms and "
                        + "flush %.2f ms per commit; %,.0f batch retries; %.2f records written per event",
                commits, maxima.getOrDefault("stream-thread-metrics/commit-latency-avg", Double.NaN),
                maxima.getOrDefault("stream-thread-metrics/commit-latency-max", Double.NaN),
                100 * maxima.getOrDefault("stream-thread-metrics/commit-ratio", Double.NaN),
                sums.getOrDefault("producer-metrics/txn-commit-time-ns-total", 0.0) / 1e6 / Math.max(1, commits),
                sums.getOrDefault("producer-metrics/flush-time-ns-total", 0.0) / 1e6 / Math.max(1, commits),
                sums.getOrDefault("producer-metrics/record-retry-total", 0.0),
                sums.getOrDefault("producer-metrics/record-send-total", 0.0) / events);
    }

    private static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The service's default, or {@code -Dbench.commitIntervalMs} for both applications. */
    static long commitInterval() {
        return Long.getLong("bench.commitIntervalMs", StreamsProperties.DEFAULT_COMMIT_INTERVAL_MS);
    }

    /** The ceiling: count records per key in a RocksDB store, exactly-once, nothing else. */
    static Topology baseline() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.DEVICE_EVENTS.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("baseline-source"))
                .groupByKey(Grouped.as("baseline-group"))
                .count(Named.as("baseline-count"), Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as("baseline-count")
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()));
        return builder.build();
    }

    @Override
    public Verdict verdict(Map<String, Stats> stats) {
        double ratio = stats.get("ratio").median();
        return new Verdict(ratio >= 0.6, String.format("%.0f %% of the baseline", ratio * 100));
    }
}
