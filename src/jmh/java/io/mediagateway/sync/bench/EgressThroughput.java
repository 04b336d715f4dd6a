package io.mediagateway.sync.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.mediagateway.sync.codec.DeltaCodec;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.model.Capabilities;
import io.mediagateway.sync.model.ContentMetadata;
import io.mediagateway.sync.model.Delta;
import io.mediagateway.sync.model.DeviceInfo;
import io.mediagateway.sync.model.PlaybackPosition;
import io.mediagateway.sync.model.PlaybackState;
import io.mediagateway.sync.model.PreferenceValue;
import io.mediagateway.sync.runtime.EmbeddedDatabase;
import io.mediagateway.sync.runtime.EmbeddedKafka;
import io.mediagateway.sync.runtime.TopicProvisioner;
import io.mediagateway.sync.sink.Backoff;
import io.mediagateway.sync.sink.DeadLetterWriter;
import io.mediagateway.sync.sink.DeltaSink;
import io.mediagateway.sync.sink.EgressLoop;
import io.mediagateway.sync.sink.EgressMetrics;
import io.mediagateway.sync.sink.PostgresSchema;
import io.mediagateway.sync.sink.PostgresSink;
import io.mediagateway.sync.sink.PubNubSink;
import io.mediagateway.sync.testing.PubNubStandIn;
import io.mediagateway.sync.topology.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Deltas per second through each egress, and its lag under a steady load, against an embedded broker
 * in the same JVM, the local PubNub stand-in (the official SDK over loopback HTTP) and an embedded
 * PostgreSQL (or {@code PG_URL}).
 *
 * <p>Per sink: (1) backlog — {@code deltas} deltas already on {@code sync.state-deltas}, time from the
 * sink's start to the last one delivered; (2) steady — {@code rate} deltas/s produced for
 * {@code seconds}, consumer lag sampled every 100 ms.
 *
 * <pre>mvn -Pjmh -DskipTests test-compile exec:exec -Dbench.main="io.mediagateway.sync.bench.EgressThroughput pubnub postgres"</pre>
 * System properties: {@code deltas} (100000), {@code users} (1000), {@code rate} (5000), {@code seconds} (20),
 * {@code concurrency} (PubNub users at once, 32), {@code latency} (stand-in ms per request, 0), {@code batch} (500).
 */
public final class EgressThroughput {
    private static final int DELTAS = Integer.getInteger("deltas", 100_000);
    private static final int USERS = Integer.getInteger("users", 1_000);
    private static final int RATE = Integer.getInteger("rate", 5_000);
    private static final int SECONDS = Integer.getInteger("seconds", 20);
    private static final int CONCURRENCY = Integer.getInteger("concurrency", 32);
    private static final int LATENCY_MS = Integer.getInteger("latency", 0);
    private static final int BATCH = Integer.getInteger("batch", 500);

    private EgressThroughput() {
    }

    public static void main(String[] args) throws Exception {
        List<String> sinks = args.length == 0 ? List.of("pubnub", "postgres") : Arrays.asList(args);
        List<String> lines = new ArrayList<>();
        for (String sink : sinks) {
            lines.addAll(run(sink));
        }
        System.out.println("\n" + String.join("\n", lines));
        System.out.printf("deltas=%d users=%d rate=%d/s seconds=%d concurrency=%d latency=%dms batch=%d cores=%d jvm=%s%n",
                DELTAS, USERS, RATE, SECONDS, CONCURRENCY, LATENCY_MS, BATCH, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
    }

    private static List<String> run(String which) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "bench", "egress-" + which + "-" + System.nanoTime()));
        List<AutoCloseable> open = new ArrayList<>();
        try {
            EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), TopologyThroughput.freePort());
            open.add(kafka);
            String bootstrap = kafka.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                new TopicProvisioner(admin, Duration.ofSeconds(60)).ensure(Topics.definitions());
            }
            Generator gen = new Generator();
            try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
                List<Future<RecordMetadata>> sent = new ArrayList<>(DELTAS);
                for (int i = 0; i < DELTAS; i++) {
                    sent.add(gen.send(producer));
                }
                for (Future<RecordMetadata> f : sent) {
                    f.get(60, TimeUnit.SECONDS);
                }
            }
            DeadLetterWriter deadLetters = DeadLetterWriter.create(bootstrap, "bench-dead-letters");
            open.add(deadLetters);
            EgressMetrics metrics = new EgressMetrics(new SimpleMeterRegistry(), which);
            DeltaSink sink;
            if (which.equals("pubnub")) {
                PubNubStandIn standIn = PubNubStandIn.start();
                standIn.latency(Duration.ofMillis(LATENCY_MS));
                open.add(standIn);
                sink = new PubNubSink(new PubNubSink.Connection("bench-pub", "bench-sub", Optional.empty(),
                        Optional.of(standIn.origin()), false, Optional.empty(), "bench"), deadLetters, metrics,
                        Backoff.DEFAULT, CONCURRENCY);
            } else {
                HikariDataSource db = database(dir, open);
                PostgresSchema.migrate(db);
                sink = new PostgresSink(db, deadLetters, metrics, Backoff.DEFAULT);
            }
            long start = System.nanoTime();
            EgressLoop loop = new EgressLoop(bootstrap, Topics.STATE_DELTAS.name(), "bench-" + which, sink, metrics, BATCH,
                    Duration.ofSeconds(10)).start();
            open.add(loop);
            while (metrics.deliveredCount() < DELTAS) {
                Thread.sleep(5);
            }
            double backlogRate = DELTAS / ((System.nanoTime() - start) / 1e9);
            String backlog = String.format("%s backlog: %,d deltas in %.1f s = %,.0f deltas/s", which, DELTAS,
                    (System.nanoTime() - start) / 1e9, backlogRate);
            System.out.println(backlog);

            // Steady load: RATE deltas/s for SECONDS, lag sampled every 100 ms.
            List<Long> lags = new ArrayList<>();
            long delivered0 = metrics.deliveredCount();
            try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
                long begin = System.nanoTime();
                long produced = 0;
                long nextSample = begin;
                while (System.nanoTime() - begin < SECONDS * 1_000_000_000L) {
                    long due = (System.nanoTime() - begin) * RATE / 1_000_000_000L;
                    while (produced < due) {
                        gen.send(producer);
                        produced++;
                    }
                    if (System.nanoTime() >= nextSample) {
                        lags.add(metrics.lagRecords());
                        nextSample += 100_000_000L;
                    }
                    Thread.sleep(1);
                }
                producer.flush();
                long target = delivered0 + produced;
                long drainStart = System.nanoTime();
                while (metrics.deliveredCount() < target) {
                    Thread.sleep(5);
                }
                double drainMs = (System.nanoTime() - drainStart) / 1e6;
                List<Long> sorted = lags.stream().sorted().toList();
                String steady = String.format("%s steady %,d deltas/s for %d s: lag p50 %,d, p99 %,d, max %,d records;"
                                + " all delivered %.0f ms after the last send; retries %d, dead letters %d", which, RATE,
                        SECONDS, sorted.get(sorted.size() / 2), sorted.get((int) (sorted.size() * 0.99)),
                        sorted.get(sorted.size() - 1), drainMs, metrics.retryCount(), metrics.deadLetterCount());
                System.out.println(steady);
                return List.of(backlog, steady);
            }
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
        }
    }

    private static HikariDataSource database(Path dir, List<AutoCloseable> open) throws Exception {
        HikariConfig c = new HikariConfig();
        String external = System.getenv("PG_URL");
        if (external != null) {
            c.setJdbcUrl(external);
            c.setUsername(System.getenv("PG_USER"));
            c.setPassword(System.getenv("PG_PASSWORD"));
        } else {
            EmbeddedDatabase pg = EmbeddedDatabase.start(dir.resolve("pg"), TopologyThroughput.freePort());
            open.add(pg);
            c.setJdbcUrl(pg.jdbcUrl());
            c.setUsername(pg.user());
        }
        c.setMaximumPoolSize(2);
        c.addDataSourceProperty("reWriteBatchedInserts", "true");
        HikariDataSource ds = new HikariDataSource(c);
        open.add(ds);
        return ds;
    }

    /** A realistic mix: progress (40 %), watchlist adds and removes, preferences, device changes; rising HLCs. */
    private static final class Generator {
        private final long base = Hlc.pack(System.currentTimeMillis() - 3_600_000, 0);
        private final DeviceInfo tv = new DeviceInfo("TV", "tizen", Capabilities.NONE, "1.0", "Living room", null, null);
        private long n;

        Future<RecordMetadata> send(KafkaProducer<String, byte[]> producer) {
            long i = n++;
            String user = "user-" + (i % USERS);
            long hlc = base + i;
            String id = "bench-" + i;
            String content = "tmdb:" + (i / USERS % 200);
            Delta d = switch ((int) (i / USERS % 10)) {
                case 0, 1, 2, 3 -> new Delta.Progress(user, hlc, "tv", id, content,
                        new PlaybackPosition(i % 3600, 3600, PlaybackState.PLAYING, "TV", "netflix"));
                case 4, 5 -> new Delta.Watchlist(user, hlc, "phone", id, "add", content, List.of("t-" + i), true,
                        new ContentMetadata("Title " + content, 1999, null, "movie"), List.of("t-" + i), List.of());
                case 6 -> new Delta.Watchlist(user, hlc, "phone", id, "remove", content, List.of(), false,
                        ContentMetadata.NONE, List.of(), List.of("t-" + (i - 2L * USERS)));
                case 7 -> new Delta.Preference(user, hlc, "web", id, "subtitle_language",
                        new PreferenceValue("\"" + (i % 2 == 0 ? "en" : "fr") + "\""));
                default -> new Delta.Device(i % 2 == 0 ? "device_online" : "device_offline", user, hlc, "tv", id, tv,
                        i % 2 == 0, i % 2 == 0 ? null : "leave", System.currentTimeMillis());
            };
            return producer.send(new ProducerRecord<>(Topics.STATE_DELTAS.name(), user, DeltaCodec.encode(d)));
        }
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer());
    }
}
