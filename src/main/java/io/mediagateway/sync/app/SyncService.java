package io.mediagateway.sync.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.mediagateway.sync.analytics.AnalyticsCounters;
import io.mediagateway.sync.analytics.AnalyticsTopology;
import io.mediagateway.sync.analytics.StreamsAnalyticsSource;
import io.mediagateway.sync.app.embedded.EmbeddedDatabase;
import io.mediagateway.sync.app.embedded.EmbeddedKafka;
import io.mediagateway.sync.app.regions.Mirror;
import io.mediagateway.sync.app.regions.ReplicationLag;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.codec.StateCodec;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.egress.EgressLoop;
import io.mediagateway.sync.egress.postgres.SinkDatabase;
import io.mediagateway.sync.egress.pubnub.PubNubTokens;
import io.mediagateway.sync.ingest.KafkaEventSink;
import io.mediagateway.sync.query.StreamsStateSource;
import io.mediagateway.sync.query.UserStateReader;
import io.mediagateway.sync.topics.TopicProvisioner;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.topology.BoundedRocksDb;
import io.mediagateway.sync.topology.StreamsProperties;
import io.mediagateway.sync.topology.SyncTopology;
import io.mediagateway.sync.web.AnalyticsRoutes;
import io.mediagateway.sync.web.ApiRoutes;
import io.mediagateway.sync.web.BroadcastRoutes;
import io.mediagateway.sync.web.JwtTokens;
import io.mediagateway.sync.web.PubNubRoutes;
import io.mediagateway.sync.web.RateLimiter;
import io.mediagateway.sync.web.Readiness;
import io.mediagateway.sync.web.WebServer;
import io.mediagateway.sync.web.WsRoutes;
import io.mediagateway.sync.web.WsSessions;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running instance: embedded services where nothing is configured, topics, the web server and
 * the streams. {@link #close()} stops them in the order that loses nothing: web (no new writes),
 * streams (commit what was processed), database pool, then the embedded broker and database.
 *
 * <p>Why this file is over 300 lines: it is the one place the service's parts are started and stopped, in
 * order (embedded services, topics, web, streams, egress) and the state that order needs; each part lives in
 * its own class (Egresses, SinkDatabase, ServiceMetrics, ReadRouter, …), so what remains here is the sequence,
 * which reads best whole.
 */
public final class SyncService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SyncService.class);
    /** What the log says when the instance decides to stop itself and exit with 70 (supervisors and tests look for it). */
    public static final String GIVING_UP = "stopping, to exit with code";
    /** The most tasks whose unopenable local state one start deletes before it gives up. */
    private static final int MAX_UNOPENABLE_TASKS = 64;

    /** What an instance runs: everything, or only the egress consumers ({@code egress} command). */
    public enum Role { ALL, EGRESS_ONLY }

    private final SyncConfig config;
    private final Role role;
    private final ServiceMetrics metrics;
    private final Consumer<JavalinConfig> extraRoutes;
    private Egresses egress;
    private final Deque<NamedCloseable> resources = new ConcurrentLinkedDeque<>();   // PostgreSQL starts on its own thread
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile int exitCode;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private String bootstrapServers;
    private String jwtSecret;
    private volatile Optional<SinkDatabase> database = Optional.empty();
    private WebServer web;
    private volatile KafkaStreams streams;
    private volatile KafkaStreams analytics;
    private final AnalyticsCounters analyticsCounters = new AnalyticsCounters();
    private volatile HostInfo self;
    /** The serving streams' interactive queries, told of their state changes. */
    private StreamsStateSource stateSource;

    private record NamedCloseable(String name, AutoCloseable closeable) {
    }

    private SyncService(SyncConfig config, Role role, Consumer<JavalinConfig> extraRoutes) {
        this.config = config;
        this.role = role;
        this.extraRoutes = extraRoutes;
        this.metrics = new ServiceMetrics(config.applicationId());
    }

    /** Starts everything; on failure stops what was started and rethrows. */
    public static SyncService start(SyncConfig config) {
        return start(config, Role.ALL);
    }

    /** Starts the given role; on failure stops what was started and rethrows. */
    public static SyncService start(SyncConfig config, Role role) {
        return start(config, role, c -> { });
    }

    /** As above; {@code extraRoutes} adds HTTP routes beside the API (the demo's session list). */
    public static SyncService start(SyncConfig config, Role role, Consumer<JavalinConfig> extraRoutes) {
        SyncService service = new SyncService(config, role, extraRoutes);
        try {
            service.startAll();
            return service;
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
    }

    private void startAll() {
        log.info("Starting media-gateway-sync {} ({}) with {}", Version.current(),
                role == Role.ALL ? "service" : "egress only", config);
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create SYNC_DATA_DIR " + config.dataDir(), e);
        }
        if (role == Role.EGRESS_ONLY) {
            startEgressOnly();
            return;
        }
        startKafkaAndPostgres();
        jwtSecret = config.jwtSecret().orElseGet(this::randomSecret);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            new TopicProvisioner(admin, config.startupTimeout()).ensure(config.regions().topicDefinitions());
        }
        ObjectMapper json = Json.mapper();
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        resources.push(new NamedCloseable("admin client", admin));
        startRegions(admin);
        KafkaEventSink sink = new KafkaEventSink(bootstrapServers);
        resources.push(new NamedCloseable("API producer", sink));
        metrics.bind(sink.clientMetrics());
        stateSource = new StreamsStateSource(() -> streams, () -> self, admin, config.servingApplicationId());
        ApiRoutes api = new ApiRoutes(new JwtTokens(jwtSecret), new Hlc(System::currentTimeMillis, config.maxClockSkewMs()),
                sink, stateSource,
                new UserStateReader(new StateCodec(config.watchlistPolicy()), config.topologySettings().presenceTimeouts(),
                        config.viewCacheBytes()),
                System::currentTimeMillis, new RateLimiter(config.rateLimitPerUser(), System::nanoTime),
                new RateLimiter(config.rateLimitPerDevice(), System::nanoTime), config.maxWaitingReads(),
                config.regions().self());
        WsSessions sessions = new WsSessions();
        Gauge.builder("sync.websocket.sessions", sessions, WsSessions::size)
                .description("open WebSocket sessions on this instance").register(metrics.registry());
        WsRoutes ws = new WsRoutes(api, sessions);
        AnalyticsRoutes analyticsRoutes = new AnalyticsRoutes(api, new StreamsAnalyticsSource(() -> analytics, () -> self),
                Instant::now);
        DeltaFanout fanout = new DeltaFanout(bootstrapServers, sessions);
        resources.push(new NamedCloseable("WebSocket fan-out", fanout));
        metrics.bind(fanout.clientMetrics());
        BroadcastFanout broadcasts = new BroadcastFanout(bootstrapServers, sessions, config.analytics().applicationId(),
                config.trendingPublishInterval(), System::currentTimeMillis, metrics.registry(), config.regions());
        resources.push(new NamedCloseable("broadcast fan-out", broadcasts));
        metrics.bind(broadcasts.clientMetrics());
        broadcasts.start();
        BroadcastRoutes broadcastRoutes = new BroadcastRoutes(api, broadcasts::history, System::currentTimeMillis);
        PubNubRoutes pubnubRoutes = new PubNubRoutes(api, pubnubGranter(), System::currentTimeMillis);
        web = WebServer.start(config.host(), config.port(), Version.current(), this::readiness, json,
                metrics.registry(), c -> {
                    api.register(c);
                    broadcastRoutes.register(c);
                    pubnubRoutes.register(c);
                    analyticsRoutes.register(c);
                    ws.register(c);
                    extraRoutes.accept(c);
                });
        startStreams();
        if (config.analytics().enabled()) {
            startAnalytics();
        } else {
            log.info("SYNC_ANALYTICS=off: the analytics application runs elsewhere (or not at all)");
        }
        if (config.egress()) {
            startEgress();
        } else {
            log.info("SYNC_EGRESS=off: PubNub and PostgreSQL egress run elsewhere (the egress command)");
        }
        log.info("media-gateway-sync is up: http://{}:{} (advertised as {}), Kafka {}", config.host(), web.port(),
                config.advertisedUrlFor(web.port()), bootstrapServers);
    }

    /** Who grants devices' PubNub tokens: PubNub with the secret key, else nobody, saying which variable is missing. */
    private PubNubRoutes.Granter pubnubGranter() {
        if (config.pubnub().isEmpty()) {
            return PubNubRoutes.unavailable("PubNub is not configured: set PUBNUB_PUBLISH_KEY, PUBNUB_SUBSCRIBE_KEY and "
                    + "PUBNUB_SECRET_KEY");
        }
        SyncConfig.PubNub pn = config.pubnub().get();
        if (pn.secretKey().isEmpty()) {
            log.info("PubNub tokens off: PUBNUB_SECRET_KEY is unset, so /api/v1/pubnub/token answers 503");
            return PubNubRoutes.unavailable("PUBNUB_SECRET_KEY is not set: this service cannot grant PubNub tokens");
        }
        PubNubTokens tokens = new PubNubTokens(Egresses.connection(config, pn), pn.access().tokenTtlMinutes(),
                pn.access().ingress(), 100_000, System::currentTimeMillis);
        resources.push(new NamedCloseable("PubNub tokens", tokens));
        log.info("PubNub tokens: granted for {} minutes, {}", pn.access().tokenTtlMinutes(), pn.access());
        return tokens::grant;
    }

    /** The egress command: the sinks' consumers, and a web server for /health and /ready. */
    private void startEgressOnly() {
        bootstrapServers = config.kafkaBootstrapServers().orElseThrow(() -> new IllegalStateException(
                "the egress command reads the deltas of a running service: set KAFKA_BOOTSTRAP_SERVERS to its cluster"));
        startPostgres();
        startEgress();
        if (egress.isEmpty()) {
            throw new IllegalStateException("no egress is configured: set PG_URL and/or PUBNUB_PUBLISH_KEY and "
                    + "PUBNUB_SUBSCRIBE_KEY");
        }
        web = WebServer.start(config.host(), config.port(), Version.current(),
                () -> new Readiness.Status(true, "EGRESS"), Json.mapper(), metrics.registry(), c -> { });
        log.info("media-gateway-sync egress is up: {} on Kafka {}, health on http://{}:{}",
                egress.names(), bootstrapServers, config.host(), web.port());
    }

    /**
     * With peer regions (contract §16): MirrorMaker 2 for the flows into this region (unless {@code SYNC_MIRROR=off}:
     * a standalone MM2 carries them), and the replication lag per peer.
     */
    private void startRegions(Admin admin) {
        if (!config.regions().active()) {
            config.regions().self().ifPresent(r -> log.info("Region {}: no peers (SYNC_PEER_REGIONS unset)", r));
            return;
        }
        if (config.mirror()) {
            int brokers;
            try {
                brokers = admin.describeCluster().nodes().get(config.startupTimeout().toMillis(), TimeUnit.MILLISECONDS).size();
            } catch (Exception e) {
                throw new IllegalStateException("cannot describe the cluster for MirrorMaker 2: " + e.getMessage(), e);
            }
            resources.push(new NamedCloseable("MirrorMaker 2", Mirror.start(config.regions(), bootstrapServers,
                    Math.min(3, brokers))));
        } else {
            log.info("Region {}: SYNC_MIRROR=off, a MirrorMaker 2 of its own carries {} into this cluster",
                    config.regions().self().orElseThrow(), config.regions().peers().keySet());
        }
        resources.push(new NamedCloseable("replication lag",
                new ReplicationLag(admin, config.regions(), metrics.registry(), System::currentTimeMillis).start()));
    }

    /** The egress consumers (started after the pool, closed before it). */
    private void startEgress() {
        egress = Egresses.start(config, bootstrapServers, metrics, database);
        resources.push(new NamedCloseable("egress", egress));
    }

    /**
     * The broker and the database need nothing of each other and each may take seconds (an embedded one
     * starting, an external one answering): PostgreSQL is started on a thread of its own meanwhile.
     */
    private void startKafkaAndPostgres() {
        CompletableFuture<Void> postgres = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                startPostgres();
                postgres.complete(null);
            } catch (Throwable e) {
                postgres.completeExceptionally(e);
            }
        }, "postgres-start");
        starter.start();
        RuntimeException failure = null;
        try {
            startKafka();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            postgres.join();
        } catch (CompletionException e) {
            RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            if (failure == null) {
                failure = cause;
            } else {
                failure.addSuppressed(cause);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void startKafka() {
        if (config.kafkaBootstrapServers().isPresent()) {
            bootstrapServers = config.kafkaBootstrapServers().get();
            log.info("Using the Kafka cluster at {} (KAFKA_BOOTSTRAP_SERVERS)", bootstrapServers);
            return;
        }
        log.info("KAFKA_BOOTSTRAP_SERVERS is unset: starting an embedded single-node KRaft broker on 127.0.0.1:{}"
                + " (SYNC_EMBEDDED_KAFKA_PORT)", config.embeddedKafkaPort());
        EmbeddedKafka kafka = EmbeddedKafka.start(config.dataDir(), config.embeddedKafkaPort());
        resources.push(new NamedCloseable("embedded Kafka", kafka));
        bootstrapServers = kafka.bootstrapServers();
    }

    private void startPostgres() {
        SyncConfig.Postgres pg = config.postgres();
        String url;
        Optional<String> user;
        Optional<String> password;
        switch (pg.mode()) {
            case OFF -> {
                log.info("SYNC_PG=off: the PostgreSQL sink is disabled");
                return;
            }
            case EMBEDDED -> {
                log.info("PG_URL is unset: starting an embedded PostgreSQL (SYNC_EMBEDDED_PG_PORT={})", pg.embeddedPort());
                EmbeddedDatabase db = EmbeddedDatabase.start(config.dataDir(), pg.embeddedPort());
                resources.push(new NamedCloseable("embedded PostgreSQL", db));
                url = db.jdbcUrl();
                user = Optional.of(db.user());
                password = Optional.empty();
            }
            default -> {
                url = pg.jdbcUrl().orElseThrow();
                user = pg.user();
                password = pg.password();
                log.info("Using PostgreSQL at {} (PG_URL)", PostgresUrl.redact(url));
            }
        }
        SinkDatabase db = SinkDatabase.open(url, user, password, config.startupTimeout(), PostgresUrl::redact);
        resources.push(new NamedCloseable("PostgreSQL pool", db));
        database = Optional.of(db);
    }

    private void startStreams() {
        Properties props = streamsProperties(config.servingApplicationId());
        props.put(BoundedRocksDb.MEMORY_BYTES_CONFIG, config.rocksDbMemoryBytes());
        streams = startStreams("Kafka Streams", "serving", () -> SyncTopology.build(new StreamsConfig(props),
                config.topologySettings()), props, stateSource::onStateChange);
    }

    /**
     * The analytics application: its own application id, offsets and stores beside the serving one, a
     * quarter of the RocksDB budget on top of the serving stores' and its own stream threads (one by default).
     */
    private void startAnalytics() {
        Properties props = streamsProperties(config.analytics().applicationId());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.analytics().streamThreads());
        props.put(BoundedRocksDb.MEMORY_BYTES_CONFIG, Math.max(16L << 20, config.rocksDbMemoryBytes() / 4));
        analytics = startStreams("Analytics streams", "analytics", () -> AnalyticsTopology.build(new StreamsConfig(props),
                config.analyticsSettings(), analyticsCounters, config.regions()), props, () -> { });
        metrics.bindAnalytics(analyticsCounters);
    }

    private Properties streamsProperties(String applicationId) {
        URI advertised = config.advertisedUrlFor(web.port());
        int advertisedPort = advertised.getPort() > 0 ? advertised.getPort() : ("https".equals(advertised.getScheme()) ? 443 : 80);
        Properties props = StreamsProperties.of(applicationId, bootstrapServers,
                config.dataDir().resolve("streams"), config.streamThreads(), config.commitIntervalMs(),
                config.standbyReplicas());
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertised.getHost() + ":" + advertisedPort);
        self = new HostInfo(advertised.getHost(), advertisedPort);
        String instanceId = config.instanceId().orElseGet(() -> InstanceId.loadOrCreate(config.dataDir()));
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instanceId);
        props.putAll(EgressLoop.sessionTimeout(config.kafkaSessionTimeout(), StreamsConfig::mainConsumerPrefix));
        return props;
    }

    /**
     * Starts a Kafka Streams application. A task whose local state Kafka Streams cannot open at start (see
     * {@link UnopenableState}) has its directory deleted and the start is tried again: it restores from the changelogs.
     *
     * @param role          the {@code streams} tag of its metrics: {@code serving} or {@code analytics}
     * @param onStateChange told of every state change (before it is logged)
     */
    private KafkaStreams startStreams(String what, String role, Supplier<Topology> topology, Properties props,
                                      Runnable onStateChange) {
        log.info("{}: application {} as static member {} (SYNC_INSTANCE_ID), state in {}", what,
                props.get(StreamsConfig.APPLICATION_ID_CONFIG),
                props.get(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)),
                props.get(StreamsConfig.STATE_DIR_CONFIG));
        Path stateDir = Path.of(props.getProperty(StreamsConfig.STATE_DIR_CONFIG))
                .resolve(props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG));
        for (int attempt = 1; ; attempt++) {
            Created created = createStreams(what, topology.get(), props, onStateChange);
            KafkaStreams s = created.streams();
            try {
                s.start();
            } catch (RuntimeException e) {
                Optional<UnopenableState.Task> task = UnopenableState.of(e, stateDir);
                s.close(config.shutdownTimeout());
                if (task.isEmpty() || attempt >= MAX_UNOPENABLE_TASKS) {
                    throw e;
                }
                log.warn("{}: store {} of task {} cannot be opened ({}); deleting the task's local state, which it "
                        + "restores from its changelogs", what, task.get().store(), task.get().directory().getFileName(),
                        rootCause(e));
                try {
                    UnopenableState.delete(task.get().directory());
                } catch (IOException io) {
                    e.addSuppressed(io);
                    throw e;
                }
                continue;
            }
            FunctionCounter.builder("sync.streams.restored.records", created.restoring(), RestoreProgress::restoredTotal)
                    .description("records restored into state stores from their changelogs since start")
                    .tag("streams", role).register(metrics.registry());
            metrics.bindStreams(s);
            return s;
        }
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
    }

    /** A Kafka Streams instance with this service's listeners and handlers, not started, and its restore listener. */
    private record Created(KafkaStreams streams, RestoreProgress restoring) {
    }

    private Created createStreams(String what, Topology topology, Properties props, Runnable onStateChange) {
        KafkaStreams s = new KafkaStreams(topology, props);
        StandbyCapacity standbys = new StandbyCapacity(what, config.standbyReplicas(),
                () -> s.metadataForAllStreamsClients().size());
        s.setStateListener((now, before) -> {
            onStateChange.run();
            log.info("{} {} -> {}", what, before, now);
            if (now == KafkaStreams.State.RUNNING) {
                standbys.afterRebalance();
            }
        });
        RestoreProgress restoring = new RestoreProgress();
        s.setGlobalStateRestoreListener(restoring);
        ThreadDeaths deaths = new ThreadDeaths(java.time.Clock.systemUTC());
        s.setUncaughtExceptionHandler(e -> {
            StreamThreadExceptionResponse response = deaths.onDeath();
            if (response == StreamThreadExceptionResponse.REPLACE_THREAD) {
                log.error("A stream thread of the {} died; replacing it", what, e);
            } else {
                log.error("A stream thread of the {} died again within {} of the last death: a replacement cannot mend "
                        + "it in this process; " + GIVING_UP + " {} so that the supervisor starts the instance afresh",
                        what, ThreadDeaths.WINDOW, ThreadDeaths.EXIT_CODE, e);
                giveUp();
            }
            return response;
        });
        return new Created(s, restoring);
    }

    private void closeStreams() {
        if (analytics != null) {
            boolean clean = analytics.close(config.shutdownTimeout());
            log.info(clean ? "Analytics streams closed" : "Analytics streams did not close within {} ms",
                    config.shutdownTimeout().toMillis());
        }
        if (streams != null) {
            boolean clean = streams.close(config.shutdownTimeout());
            log.info(clean ? "Kafka Streams closed" : "Kafka Streams did not close within {} ms", config.shutdownTimeout().toMillis());
        }
    }

    private String randomSecret() {
        String secret = JwtTokens.randomSecret();
        String sample = new JwtTokens(secret).forUser("demo-user", "web-console", Duration.ofDays(1), Instant.now());
        log.warn("SYNC_JWT_SECRET is unset: generated a random secret for this run only: {} "
                + "(tokens stop working at restart). A sample token for user demo-user, device web-console: {}", secret, sample);
        return secret;
    }

    private Readiness.Status readiness() {
        KafkaStreams s = streams;
        if (s == null) {
            return new Readiness.Status(false, "STARTING");
        }
        KafkaStreams.State state = s.state();
        return new Readiness.Status(state == KafkaStreams.State.RUNNING, state.name());
    }

    public int httpPort() {
        return web.port();
    }

    /**
     * Records this instance's local stores are behind their changelogs, over active and standby tasks
     * (0 when caught up; -1 while the streams cannot say, e.g. before they run).
     */
    public long localStoreLag() {
        KafkaStreams s = streams;
        if (s == null) {
            return -1;
        }
        try {
            return s.allLocalStorePartitionLags().values().stream()
                    .flatMap(byPartition -> byPartition.values().stream())
                    .mapToLong(lag -> lag.offsetLag()).sum();
        } catch (RuntimeException notRunning) {
            return -1;
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String jwtSecret() {
        return jwtSecret;
    }

    /** The instance's meters, as {@code /metrics} shows them. */
    public MeterRegistry meters() {
        return metrics.registry();
    }

    /** The sink's database, when this instance runs the PostgreSQL sink. */
    public Optional<SinkDatabase> database() {
        return database;
    }

    /**
     * Stops the whole service from a thread of its own (the caller may be a stream thread, which the streams'
     * close waits for) and leaves {@link ThreadDeaths#EXIT_CODE} for {@link #exitCode()}.
     */
    private void giveUp() {
        exitCode = ThreadDeaths.EXIT_CODE;
        Thread stopper = new Thread(this::close, "sync-give-up");
        stopper.setDaemon(false);
        stopper.start();
    }

    /**
     * What the process should exit with once {@link #awaitStopped()} returns: 0 after a requested stop,
     * {@link ThreadDeaths#EXIT_CODE} when the service stopped itself on a failure it could not mend.
     */
    public int exitCode() {
        return exitCode;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        log.info("Stopping media-gateway-sync");
        // Web first (no new requests), then the streams (commit what they processed), then the rest
        // in the reverse order of their start: pool, embedded PostgreSQL, embedded broker.
        if (web != null) {
            closeQuietly(new NamedCloseable("web", web));
        }
        closeQuietly(new NamedCloseable("streams", this::closeStreams));
        while (!resources.isEmpty()) {
            closeQuietly(resources.pop());
        }
        closeQuietly(new NamedCloseable("metrics", metrics));
        log.info("media-gateway-sync stopped cleanly");
        stopped.countDown();
    }

    private static void closeQuietly(NamedCloseable r) {
        try {
            r.closeable().close();
        } catch (Exception e) {
            log.error("Error while stopping {}", r.name(), e);
        }
    }
}
