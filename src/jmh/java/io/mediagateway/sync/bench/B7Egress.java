package io.mediagateway.sync.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.mediagateway.sync.app.embedded.EmbeddedDatabase;
import io.mediagateway.sync.codec.DeltaCodec;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.deadletter.DeadLetterWriter;
import io.mediagateway.sync.egress.Backoff;
import io.mediagateway.sync.egress.DeltaSink;
import io.mediagateway.sync.egress.EgressLoop;
import io.mediagateway.sync.egress.EgressMetrics;
import io.mediagateway.sync.egress.postgres.PostgresSchema;
import io.mediagateway.sync.egress.postgres.PostgresSink;
import io.mediagateway.sync.egress.pubnub.PubNubSink;
import io.mediagateway.sync.egress.pubnub.UserCipherKeys;
import io.mediagateway.sync.model.Capabilities;
import io.mediagateway.sync.model.ContentMetadata;
import io.mediagateway.sync.model.Delta;
import io.mediagateway.sync.model.DeviceInfo;
import io.mediagateway.sync.model.PlaybackPosition;
import io.mediagateway.sync.model.PlaybackState;
import io.mediagateway.sync.model.PreferenceValue;
import io.mediagateway.sync.testing.Ports;
import io.mediagateway.sync.testing.PubNubStandIn;
import io.mediagateway.sync.topics.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * B7: deltas/s through each egress — the PostgreSQL sink (embedded PostgreSQL, or {@code PG_URL}) and the
 * PubNub sink (the official SDK against {@link PubNubStandIn} on loopback) — from a backlog already on
 * {@code sync.state-deltas}, each through its {@link EgressLoop}. Baselines in the same run: batched JDBC
 * upserts of as many rows of the same size into a plain table (what the database takes), and plain HTTP
 * POSTs to the stand-in at the same concurrency (what the stand-in answers).
 */
final class B7Egress implements Scenario {
    static final int USERS = 1_000;
    static final int CONCURRENCY = Integer.getInteger("bench.b7.concurrency", 32);
    /** {@code -Dbench.b7.postgres=false}: the PubNub half alone (for profiling it). */
    private static final boolean POSTGRES = Boolean.parseBoolean(System.getProperty("bench.b7.postgres", "true"));
    static final int BATCH = 500;

    @Override
    public String id() {
        return "B7";
    }

    @Override
    public String title() {
        return "PostgreSQL sink rows/s and PubNub egress deltas/s (local stand-in)";
    }

    @Override
    public String goal() {
        return "≥ 20,000 rows/s; ≥ 5,000 deltas/s";
    }

    @Override
    public String settings(BenchContext ctx) {
        return String.format("%,d deltas over %,d users (40 %% progress, 20 %% watchlist adds, 10 %% removes, 10 %% preferences, "
                + "20 %% devices) on `sync.state-deltas`, each sink alone through its EgressLoop, timed from start to the last "
                + "delivered (PubNub: after a warm-up sink took a fifth of it); PostgreSQL: embedded PostgreSQL 18, batches of %d, reWriteBatchedInserts; PubNub: SDK POST "
                + "publishes, %d users at once, Jetty stand-in on loopback; baselines: JDBC batched upserts of (id, jsonb) rows, "
                + "java.net.http POSTs of the same bodies with %d in flight", deltas(ctx), USERS, BATCH, CONCURRENCY, CONCURRENCY);
    }

    private static int deltas(BenchContext ctx) {
        return ctx.size(100_000, 3_000);
    }

    @Override
    public List<String> metrics() {
        return List.of("postgres deltas/s", "postgres rows/s", "jdbc baseline rows/s", "pubnub deltas/s",
                "pubnub sink CPU µs/delta", "stand-in CPU µs/delta", "http baseline req/s");
    }

    @Override
    public Map<String, Double> run(BenchContext ctx) throws Exception {
        int n = deltas(ctx);
        List<AutoCloseable> open = new ArrayList<>();
        try {
            BenchContext.Broker broker = ctx.broker("b7");
            open.add(broker);
            Generator gen = new Generator();
            List<byte[]> bodies = new ArrayList<>();
            try (KafkaProducer<String, byte[]> producer = broker.producer()) {
                List<Future<RecordMetadata>> sent = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    ProducerRecord<String, byte[]> record = gen.next();
                    if (bodies.size() < 20_000) {
                        bodies.add(record.value());
                    }
                    sent.add(producer.send(record));
                }
                BenchContext.await(sent);
            }
            DeadLetterWriter deadLetters = DeadLetterWriter.create(broker.bootstrap(), "bench-dead-letters");
            open.add(deadLetters);
            double jdbc = Double.NaN;
            double postgres = Double.NaN;
            double postgresRows = Double.NaN;
            if (POSTGRES) {
                HikariDataSource db = database(ctx.dir("b7-pg"), open);
                PostgresSchema.migrate(db);
                jdbc = jdbcBaseline(db, bodies, n);
                EgressMetrics pgMetrics = new EgressMetrics(new SimpleMeterRegistry(), "postgres");
                long rowsBefore = rowsWritten(db);
                long pgStart = System.nanoTime();
                postgres = drain(broker, new PostgresSink(db, deadLetters, pgMetrics, Backoff.DEFAULT), pgMetrics, n, open);
                double pgSeconds = (System.nanoTime() - pgStart) / 1e9;
                postgresRows = (rowsWritten(db) - rowsBefore) / pgSeconds;
            }
            PubNubStandIn standIn = PubNubStandIn.start();
            open.add(standIn);
            httpBaseline(standIn, bodies); // warm-up (JIT) of the stand-in and the client
            double http = httpBaseline(standIn, bodies);
            EgressMetrics pnMetrics = new EgressMetrics(new SimpleMeterRegistry(), "pubnub");
            // -Dbench.b7.userKeys=true: every delta encrypted with its user's own key (contract §15), as with
            // SYNC_PUBNUB_USER_KEYS_SECRET set.
            Optional<UserCipherKeys> userKeys = Boolean.getBoolean("bench.b7.userKeys")
                    ? Optional.of(new UserCipherKeys("bench-user-keys-secret", Optional.empty())) : Optional.empty();
            PubNubSink.Connection connection = new PubNubSink.Connection("bench-pub", "bench-sub", Optional.empty(),
                    Optional.of(standIn.origin()), false, Optional.empty(), "bench", userKeys);
            // A warm-up first (a fifth of the backlog, its own group, stopped after): the SDK's and OkHttp's code is
            // compiled by then, so the measured drain is the sustained rate of a running sink — a fresh JVM's first
            // 100,000 deltas went at about half of it.
            EgressMetrics warmUp = new EgressMetrics(new SimpleMeterRegistry(), "pubnub-warm-up");
            try (EgressLoop loop = loop(broker, new PubNubSink(connection, deadLetters, warmUp, Backoff.DEFAULT, CONCURRENCY),
                    warmUp)) {
                await(warmUp, n / 5, "the warm-up");
            }
            Map<String, Long> cpuBefore = ThreadCpu.byGroup();
            double pubnub = drain(broker, new PubNubSink(connection, deadLetters, pnMetrics, Backoff.DEFAULT, CONCURRENCY),
                    pnMetrics, n, open);
            Map<String, Long> cpu = ThreadCpu.since(cpuBefore);
            double sdkMicros = (cpu.getOrDefault("OkHttp", 0L) + cpu.getOrDefault("egress-pubnub", 0L)) / 1e3 / n;
            double standInMicros = cpu.getOrDefault("JettyServerThreadPool", 0L) / 1e3 / n;
            return Scenario.sample("postgres deltas/s", postgres, "postgres rows/s", postgresRows, "jdbc baseline rows/s", jdbc,
                    "pubnub deltas/s", pubnub, "pubnub sink CPU µs/delta", sdkMicros, "stand-in CPU µs/delta", standInMicros,
                    "http baseline req/s", http);
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
        }
    }

    private static double drain(BenchContext.Broker broker, DeltaSink sink, EgressMetrics metrics, int n,
                                List<AutoCloseable> open) throws Exception {
        long start = System.nanoTime();
        open.add(loop(broker, sink, metrics));
        await(metrics, n, sink.name());
        return n / ((System.nanoTime() - start) / 1e9);
    }

    /** The sink's egress loop on the backlog, in a consumer group of its own. */
    private static EgressLoop loop(BenchContext.Broker broker, DeltaSink sink, EgressMetrics metrics) {
        return new EgressLoop(broker.bootstrap(), Topics.STATE_DELTAS.name(), "bench-" + sink.name() + "-" + System.nanoTime(),
                sink, metrics, BATCH, Duration.ofSeconds(10)).start();
    }

    private static void await(EgressMetrics metrics, int n, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (metrics.deliveredCount() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " delivered " + metrics.deliveredCount() + " of " + n);
            }
            Thread.sleep(5);
        }
    }

    /**
     * Rows the database has inserted or updated in the sink's tables (state tables and offsets), from PostgreSQL's own statistics; read after a pause, as they are published at the end of
     * each transaction with a short delay.
     */
    private static long rowsWritten(HikariDataSource db) throws Exception {
        Thread.sleep(1_500);
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT coalesce(sum(n_tup_ins + n_tup_upd), 0) FROM pg_stat_user_tables "
                     + "WHERE relname <> 'bench_rows'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The database's pace for rows of this size: batched upserts of (id, jsonb), one transaction per batch. */
    private static double jdbcBaseline(HikariDataSource db, List<byte[]> bodies, int n) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS bench_rows (id bigint PRIMARY KEY, body jsonb NOT NULL)");
            c.setAutoCommit(false);
            long start = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO bench_rows (id, body) VALUES (?, ?::jsonb) "
                    + "ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body")) {
                for (int i = 0; i < n; i++) {
                    ps.setLong(1, i);
                    ps.setString(2, new String(bodies.get(i % bodies.size()), StandardCharsets.UTF_8));
                    ps.addBatch();
                    if ((i + 1) % BATCH == 0 || i == n - 1) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
            }
            double rate = n / ((System.nanoTime() - start) / 1e9);
            s.execute("DROP TABLE bench_rows");
            c.commit();
            return rate;
        }
    }

    /** The stand-in's pace: POSTs of the same JSON bodies to its publish path, CONCURRENCY in flight. */
    private static double httpBaseline(PubNubStandIn standIn, List<byte[]> bodies) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int n = bodies.size();
        Semaphore inFlight = new Semaphore(CONCURRENCY);
        AtomicInteger failed = new AtomicInteger();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + standIn.origin() + "/publish/bench-pub/bench-sub/0/"
                    + "user." + (i % USERS) + ".sync/0")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i))).build();
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                if (e != null || r.statusCode() != 200) {
                    failed.incrementAndGet();
                }
                inFlight.release();
            });
        }
        inFlight.acquire(CONCURRENCY);
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " baseline POSTs failed");
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static HikariDataSource database(Path dir, List<AutoCloseable> open) throws Exception {
        HikariConfig c = new HikariConfig();
        String external = System.getenv("PG_URL");
        if (external != null) {
            c.setJdbcUrl(external);
            c.setUsername(System.getenv("PG_USER"));
            c.setPassword(System.getenv("PG_PASSWORD"));
        } else {
            EmbeddedDatabase pg = EmbeddedDatabase.start(dir, Ports.free());
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

        ProducerRecord<String, byte[]> next() {
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
            return new ProducerRecord<>(Topics.STATE_DELTAS.name(), user, DeltaCodec.encode(d));
        }
    }

    @Override
    public Verdict verdict(Map<String, Stats> stats) {
        double pg = stats.get("postgres rows/s").median();
        double pn = stats.get("pubnub deltas/s").median();
        return new Verdict(pg >= 20_000 && pn >= 5_000, String.format("PostgreSQL %,.0f rows/s for %,.0f deltas/s (JDBC "
                + "alone %,.0f); PubNub %,.0f deltas/s (plain HTTP %,.0f req/s)", pg, stats.get("postgres deltas/s").median(),
                stats.get("jdbc baseline rows/s").median(), pn, stats.get("http baseline req/s").median()));
    }
}
