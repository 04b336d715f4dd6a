package io.mediagateway.sync.bench;

import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.runtime.EmbeddedKafka;
import io.mediagateway.sync.runtime.TopicProvisioner;
import io.mediagateway.sync.topology.StreamsProperties;
import io.mediagateway.sync.topology.SyncTopology;
import io.mediagateway.sync.topology.Topics;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Events per second through the full topology under {@code exactly_once_v2}, against an embedded broker
 * in the same JVM (or {@code KAFKA_BOOTSTRAP_SERVERS}), for users holding few or many items: the cost of
 * an event must not grow with its user's state.
 *
 * <p>For each size: a fresh broker; preload {@code users × items} watchlist adds and progress entries;
 * let the service catch up; then produce {@code events} mixed events for the same users and time how
 * long the service takes to commit them all (first send to last commit).
 *
 * <pre>mvn -Pjmh -DskipTests test-compile exec:exec -Dbench.main="io.mediagateway.sync.bench.TopologyThroughput 10 10000"</pre>
 * Arguments: item counts to compare (default 10 10000). System properties: {@code users} (10), {@code events} (100000),
 * {@code threads} (stream threads, 1), {@code repeats} (3).
 */
public final class TopologyThroughput {
    private static final int USERS = Integer.getInteger("users", 10);
    private static final int EVENTS = Integer.getInteger("events", 100_000);
    private static final int THREADS = Integer.getInteger("threads", 1);
    private static final int REPEATS = Integer.getInteger("repeats", 3);

    private TopologyThroughput() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        for (String a : args) {
            sizes.add(Integer.parseInt(a));
        }
        if (sizes.isEmpty()) {
            sizes = List.of(10, 10_000);
        }
        List<String> lines = new ArrayList<>();
        for (int repeat = 1; repeat <= REPEATS; repeat++) {
            for (int items : sizes) {
                double rate = run(items);
                String line = String.format("repeat %d: %,d users x %,d items: %,.0f events/s", repeat, USERS, items, rate);
                System.out.println(line);
                lines.add(line);
            }
        }
        System.out.println("\n" + String.join("\n", lines));
        System.out.printf("users=%d events=%d threads=%d cores=%d jvm=%s%n", USERS, EVENTS, THREADS,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    }

    private static double run(int items) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "bench", "throughput-" + items + "-" + System.nanoTime()));
        String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        EmbeddedKafka kafka = external == null ? EmbeddedKafka.start(dir.resolve("kafka"), freePort()) : null;
        String bootstrap = external != null ? external : kafka.bootstrapServers();
        String applicationId = "bench-" + items + "-" + System.nanoTime();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
             KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            new TopicProvisioner(admin, Duration.ofSeconds(60)).ensure(Topics.definitions());
            Generator gen = new Generator(items);
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int u = 0; u < USERS; u++) {
                for (int i = 0; i < items; i++) {
                    sent.add(send(producer, "user-" + u, gen.seedAdd(i)));
                    sent.add(send(producer, "user-" + u, gen.seedProgress(i)));
                }
            }
            await(sent);
            Properties props = StreamsProperties.of(applicationId, bootstrap, dir.resolve("streams"), THREADS,
                    StreamsProperties.DEFAULT_COMMIT_INTERVAL_MS, 0);
            try (KafkaStreams streams = new KafkaStreams(SyncTopology.build(new StreamsConfig(props),
                    SyncTopology.Settings.defaults()), props)) {
                streams.start();
                waitUntilProcessed(admin, applicationId);
                long start = System.nanoTime();
                sent.clear();
                for (int e = 0; e < EVENTS; e++) {
                    // Events come in groups of five per user, so a remove goes to the user and item its add went to.
                    sent.add(send(producer, "user-" + (e / 5 % USERS), gen.next()));
                }
                await(sent);
                waitUntilProcessed(admin, applicationId);
                return EVENTS / ((System.nanoTime() - start) / 1e9);
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    /** Mixed events over a user's existing items, with rising HLCs (so writes are not stale). */
    private static final class Generator {
        private final int items;
        private long n;
        private final long base = Hlc.pack(System.currentTimeMillis() - 3_600_000, 0);

        Generator(int items) {
            this.items = items;
        }

        String seedAdd(int i) {
            return "{\"msg_type\":\"watchlist_update\",\"device_id\":\"tv\",\"operation\":\"Add\",\"content_id\":\"c-" + i
                    + "\",\"unique_tag\":\"seed-" + i + "\",\"hlc\":\"" + (base + n++) + "\"}";
        }

        String seedProgress(int i) {
            return "{\"msg_type\":\"watch_progress_update\",\"device_id\":\"tv\",\"content_id\":\"c-" + i
                    + "\",\"position_seconds\":10,\"duration_seconds\":3600,\"hlc\":\"" + (base + n++) + "\"}";
        }

        private String contentOf(long i) {
            return "c-" + ((i / 5 * 7919) % items);
        }

        String next() {
            long i = n++;
            String common = "\"device_id\":\"" + (i % 3 == 0 ? "tv" : "phone") + "\",\"hlc\":\"" + (base + i) + "\",";
            return switch ((int) (i % 5)) {
                case 0 -> "{\"msg_type\":\"watchlist_update\"," + common + "\"operation\":\"Add\",\"content_id\":\""
                        + contentOf(i) + "\",\"unique_tag\":\"t-" + i + "\"}";
                case 1 -> "{\"msg_type\":\"watchlist_update\"," + common + "\"operation\":\"Remove\",\"content_id\":\""
                        + contentOf(i - 1) + "\",\"observed_tags\":[\"t-" + (i - 1) + "\"]}";
                case 2 -> "{\"msg_type\":\"watch_progress_update\"," + common + "\"content_id\":\"" + contentOf(i)
                        + "\",\"position_seconds\":" + (i % 3600) + ",\"duration_seconds\":3600,\"state\":\"Playing\"}";
                case 3 -> "{\"msg_type\":\"preference_update\"," + common + "\"key\":\"k-" + (i % 7) + "\",\"value\":" + i + "}";
                default -> "{\"msg_type\":\"device_heartbeat\"," + common + "\"device_type\":\"TV\"}";
            };
        }
    }

    private static Future<RecordMetadata> send(KafkaProducer<String, byte[]> producer, String key, String value) {
        return producer.send(new ProducerRecord<>(Topics.DEVICE_EVENTS.name(), key, value.getBytes(StandardCharsets.UTF_8)));
    }

    private static void await(List<Future<RecordMetadata>> sent) throws Exception {
        for (Future<RecordMetadata> f : sent) {
            f.get();
        }
    }

    private static void waitUntilProcessed(Admin admin, String group) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            var partitions = admin.describeTopics(List.of(Topics.DEVICE_EVENTS.name())).allTopicNames().get()
                    .get(Topics.DEVICE_EVENTS.name()).partitions();
            Map<TopicPartition, OffsetSpec> specs = new java.util.HashMap<>();
            partitions.forEach(p -> specs.put(new TopicPartition(Topics.DEVICE_EVENTS.name(), p.partition()), OffsetSpec.latest()));
            var end = admin.listOffsets(specs).all().get();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            boolean done = end.entrySet().stream().allMatch(e -> e.getValue().offset() == 0
                    || (committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue().offset()));
            if (done) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the topology did not catch up within 10 minutes");
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 10, ProducerConfig.BATCH_SIZE_CONFIG, 262_144),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** A free port whose next port is free too (the embedded broker takes both). */
    static int freePort() throws IOException {
        // The embedded broker takes this port and the next one (its controller).
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket s = new ServerSocket(0)) {
                int port = s.getLocalPort();
                if (port < 65535) {
                    try (ServerSocket next = new ServerSocket(port + 1)) {
                        return port;
                    } catch (IOException busy) {
                        // try another
                    }
                }
            }
        }
        throw new IOException("no two consecutive free ports");
    }
}
