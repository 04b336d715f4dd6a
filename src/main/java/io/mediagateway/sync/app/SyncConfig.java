package io.mediagateway.sync.app;

import io.mediagateway.sync.analytics.AnalyticsSettings;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.model.PresenceTimeouts;
import io.mediagateway.sync.query.ReadRouter;
import io.mediagateway.sync.query.UserStateReader;
import io.mediagateway.sync.topics.Regions;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.topology.BoundedRocksDb;
import io.mediagateway.sync.topology.HistoryLimits;
import io.mediagateway.sync.topology.StreamsProperties;
import io.mediagateway.sync.topology.SyncTopology;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The whole configuration of one instance, read once from the environment at start
 * ({@link #fromEnv(Map)}) and validated with messages that name each variable at fault.
 * Variables and defaults are those of the contract (§10) plus a few operational knobs.
 */
public record SyncConfig(
        String host,
        int port,
        Optional<String> kafkaBootstrapServers,
        int embeddedKafkaPort,
        Postgres postgres,
        String applicationId,
        Path dataDir,
        Optional<String> instanceId,
        Optional<URI> advertisedUrl,
        Optional<String> jwtSecret,
        long presenceTimeoutMs,
        long maxClockSkewMs,
        OrElement.Policy watchlistPolicy,
        Optional<PubNub> pubnub,
        int streamThreads,
        long commitIntervalMs,
        int standbyReplicas,
        long rocksDbMemoryBytes,
        long viewCacheBytes,
        Duration dedupWindow,
        double rateLimitPerUser,
        double rateLimitPerDevice,
        int maxWaitingReads,
        Duration presenceCheckInterval,
        boolean egress,
        int egressBatch,
        int pubnubConcurrency,
        Duration startupTimeout,
        Duration shutdownTimeout,
        Analytics analytics,
        String servingApplicationId,
        long presenceBackgroundTimeoutMs,
        HistoryLimits history,
        Duration trendingPublishInterval,
        Duration kafkaSessionTimeout,
        Regions regions,
        boolean mirror) {

    public static final int DEFAULT_PORT = 8083;
    public static final int DEFAULT_EMBEDDED_KAFKA_PORT = 9092;
    public static final int DEFAULT_EMBEDDED_PG_PORT = 5432;
    public static final String DEFAULT_APPLICATION_ID = "media-gateway-sync";
    /**
     * Kafka's own default session timeout: how long the group waits for a silent instance (crashed, cut off)
     * before its partitions — its users' tasks, its share of the egress — move to the others. Standbys keep
     * the users readable meanwhile; their writes are accepted and processed when the partitions move.
     */
    public static final long DEFAULT_KAFKA_SESSION_TIMEOUT_MS = 45_000;

    /** How the PostgreSQL sink database is reached. */
    public enum PostgresMode { OFF, EMBEDDED, EXTERNAL }

    /** PostgreSQL settings; {@code jdbcUrl} is set for {@link PostgresMode#EXTERNAL}. */
    public record Postgres(PostgresMode mode, Optional<String> jdbcUrl, Optional<String> user,
                           Optional<String> password, int embeddedPort) {
    }

    /**
     * The analytics application (issue: viewing statistics and trending), run beside the serving one.
     *
     * @param enabled       run it in this process ({@code SYNC_ANALYTICS})
     * @param applicationId its Kafka Streams application id ({@code SYNC_ANALYTICS_APPLICATION_ID})
     * @param streamThreads its stream threads in {@code serve} ({@code SYNC_ANALYTICS_STREAM_THREADS})
     */
    public record Analytics(boolean enabled, String applicationId, Duration grace, Duration retention,
                            Duration sessionTimeout, Duration trendingInterval, int streamThreads) {
    }

    /** PubNub egress settings, present only when both keys are configured. */
    public record PubNub(String publishKey, String subscribeKey, Optional<String> secretKey,
                         Optional<String> origin, boolean secure, Optional<String> cipherKey, Access access) {
        @Override
        public String toString() {
            return "PubNub[publishKey=" + mask(publishKey) + ", subscribeKey=" + mask(subscribeKey)
                    + ", secretKey=" + secretKey.map(SyncConfig::mask).orElse("unset") + ", origin="
                    + origin.orElse("default") + ", secure=" + secure + ", cipher=" + cipherKey.isPresent() + ", " + access + "]";
        }
    }

    /**
     * Devices' access to PubNub (contract §15): token life ({@code SYNC_PUBNUB_TOKEN_TTL_MIN}), per-user keys
     * ({@code SYNC_PUBNUB_USER_KEYS_SECRET}, {@code SYNC_PUBNUB_USER_KEYS_PREVIOUS_SECRET} during a rollout), ingress
     * ({@code SYNC_PUBNUB_INGRESS}) and how long its subscriber may be silent before another instance takes over
     * ({@code SYNC_PUBNUB_INGRESS_TAKEOVER_MS}).
     */
    public record Access(int tokenTtlMinutes, Optional<String> userKeysSecret, Optional<String> previousUserKeysSecret,
                         boolean ingress, Duration ingressTakeover) {
        @Override
        public String toString() {
            return "tokenTtlMin=" + tokenTtlMinutes + ", userKeys=" + (userKeysSecret.isPresent()
                    ? (previousUserKeysSecret.isPresent() ? "on (rollout)" : "on") : "off") + ", ingress=" + (ingress ? "on" : "off");
        }
    }

    public static SyncConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        String host = r.string("SYNC_HOST", "0.0.0.0");
        int port = r.integer("SYNC_PORT", DEFAULT_PORT, 0, 65535);
        Optional<String> bootstrap = r.optional("KAFKA_BOOTSTRAP_SERVERS");
        int kafkaPort = r.integer("SYNC_EMBEDDED_KAFKA_PORT", DEFAULT_EMBEDDED_KAFKA_PORT, 1, 65534);
        Postgres postgres = readPostgres(r);
        String applicationId = r.string("SYNC_APPLICATION_ID", DEFAULT_APPLICATION_ID);
        if (!applicationId.matches("[A-Za-z0-9._-]{1,200}")) {
            r.problem("SYNC_APPLICATION_ID", "must be 1-200 chars of [A-Za-z0-9._-]", applicationId);
        }
        Path dataDir = Path.of(r.string("SYNC_DATA_DIR", "./data")).toAbsolutePath().normalize();
        Optional<String> instanceId = r.optional("SYNC_INSTANCE_ID");
        instanceId.ifPresent(id -> {
            if (!id.matches("[A-Za-z0-9._-]{1,200}")) {
                r.problem("SYNC_INSTANCE_ID", "must be 1-200 chars of [A-Za-z0-9._-]", id);
            }
        });
        Optional<URI> advertised = r.optional("SYNC_ADVERTISED_URL").flatMap(raw -> parseHttpUrl(r, raw));
        Optional<String> jwtSecret = r.optional("SYNC_JWT_SECRET");
        long presence = r.longValue("SYNC_PRESENCE_TIMEOUT_MS", 60_000, 1_000, Duration.ofDays(7).toMillis());
        long skew = r.longValue("SYNC_MAX_CLOCK_SKEW_MS", 60_000, 0, Duration.ofDays(1).toMillis());
        OrElement.Policy watchlist = new OrElement.Policy(
                r.longValue("SYNC_WATCHLIST_DEFERRED_WINDOW_MS", OrElement.Policy.DEFAULT.deferredWindowMs(), 0,
                        Duration.ofDays(30).toMillis()),
                r.integer("SYNC_WATCHLIST_MAX_DEFERRED", OrElement.Policy.DEFAULT.maxDeferred(), 0, 10_000));
        Optional<PubNub> pubnub = readPubNub(r);
        int threads = r.integer("SYNC_STREAM_THREADS", Math.max(1, Runtime.getRuntime().availableProcessors()), 1, 64);
        long commitInterval = r.longValue("SYNC_COMMIT_INTERVAL_MS", StreamsProperties.DEFAULT_COMMIT_INTERVAL_MS, 1, 60_000);
        int standbys = r.integer("SYNC_STANDBY_REPLICAS", StreamsProperties.DEFAULT_STANDBY_REPLICAS, 0, 10);
        long rocksDb = r.longValue("SYNC_ROCKSDB_MEMORY_MB", BoundedRocksDb.DEFAULT_MEMORY_BYTES >> 20, 16, 1 << 20) << 20;
        long viewCache = r.longValue("SYNC_VIEW_CACHE_MB", UserStateReader.DEFAULT_VIEW_CACHE_BYTES >> 20, 0, 1 << 16) << 20;
        Duration dedup = Duration.ofMillis(r.longValue("SYNC_DEDUP_WINDOW_MS",
                SyncTopology.Settings.DEFAULT_DEDUP_WINDOW.toMillis(), 60_000, Duration.ofDays(7).toMillis()));
        Duration presenceCheck = Duration.ofMillis(r.longValue("SYNC_PRESENCE_CHECK_INTERVAL_MS",
                SyncTopology.Settings.DEFAULT_PRESENCE_CHECK.toMillis(), 10, 60_000));
        double perUser = r.longValue("SYNC_RATE_LIMIT_USER_PER_SEC", 100, 0, 1_000_000);
        double perDevice = r.longValue("SYNC_RATE_LIMIT_DEVICE_PER_SEC", 20, 0, 1_000_000);
        int maxWaitingReads = r.integer("SYNC_MAX_WAITING_READS", ReadRouter.DEFAULT_MAX_WAITING_READS, 1, 10_000);
        boolean egress = r.bool("SYNC_EGRESS", true);
        int egressBatch = r.integer("SYNC_EGRESS_BATCH", 500, 1, 10_000);
        int pubnubConcurrency = r.integer("SYNC_PUBNUB_CONCURRENCY", 32, 1, 512);
        Duration startup = Duration.ofMillis(r.longValue("SYNC_STARTUP_TIMEOUT_MS", 120_000, 1_000, 3_600_000));
        Duration shutdown = Duration.ofMillis(r.longValue("SYNC_SHUTDOWN_TIMEOUT_MS", 30_000, 1_000, 600_000));
        Analytics analytics = readAnalytics(r, applicationId);
        String serving = r.string("SYNC_SERVING_APPLICATION_ID", applicationId);
        if (!serving.matches("[A-Za-z0-9._-]{1,200}")) {
            r.problem("SYNC_SERVING_APPLICATION_ID", "must be 1-200 chars of [A-Za-z0-9._-]", serving);
        } else if (serving.equals(analytics.applicationId()) && !analytics.applicationId().equals(applicationId)) {
            r.problem("SYNC_SERVING_APPLICATION_ID", "must differ from SYNC_ANALYTICS_APPLICATION_ID", serving);
        }
        long background = r.longValue("SYNC_PRESENCE_BACKGROUND_TIMEOUT_MS", PresenceTimeouts.DEFAULT_BACKGROUND_MS, 1_000,
                Duration.ofDays(7).toMillis());
        int historyChanges = r.integer("SYNC_HISTORY_MAX_CHANGES", HistoryLimits.DEFAULT.maxChanges(), 1, 100_000);
        long historyRetention = r.longValue("SYNC_HISTORY_RETENTION_MS", HistoryLimits.DEFAULT.retentionMs(), 1_000,
                Duration.ofDays(30).toMillis());
        Duration trendingPublish = Duration.ofMillis(r.longValue("SYNC_TRENDING_PUBLISH_INTERVAL_MS", 3_600_000, 1_000,
                Duration.ofDays(1).toMillis()));
        Duration kafkaSession = Duration.ofMillis(r.longValue("SYNC_KAFKA_SESSION_TIMEOUT_MS", DEFAULT_KAFKA_SESSION_TIMEOUT_MS,
                6_000, 300_000));
        Regions regions = readRegions(r);
        boolean mirror = r.bool("SYNC_MIRROR", true);
        r.throwIfInvalid();
        return new SyncConfig(host, port, bootstrap, kafkaPort, postgres, applicationId, dataDir, instanceId, advertised,
                jwtSecret, presence, skew, watchlist, pubnub, threads, commitInterval, standbys, rocksDb, viewCache, dedup, perUser,
                perDevice, maxWaitingReads, presenceCheck, egress, egressBatch, pubnubConcurrency, startup, shutdown, analytics, serving,
                background, new HistoryLimits(historyChanges, historyRetention), trendingPublish, kafkaSession, regions, mirror);
    }

    /** The URL other instances use to reach this one; defaults to {@code http://localhost:<bound port>}. */
    public URI advertisedUrlFor(int boundPort) {
        return advertisedUrl.orElse(URI.create("http://localhost:" + boundPort));
    }

    /** The topology's settings from this configuration. */
    public SyncTopology.Settings topologySettings() {
        return new SyncTopology.Settings(Topics.DEVICE_EVENTS.definition().partitions(), presenceTimeoutMs, maxClockSkewMs,
                watchlistPolicy, dedupWindow, presenceCheckInterval, false, presenceBackgroundTimeoutMs, history, regions);
    }

    public boolean embeddedKafka() {
        return kafkaBootstrapServers.isEmpty();
    }

    /** The analytics topology's settings from this configuration. */
    public AnalyticsSettings analyticsSettings() {
        AnalyticsSettings d = AnalyticsSettings.defaults(analytics.applicationId(),
                Topics.DEVICE_EVENTS.definition().partitions());
        return new AnalyticsSettings(analytics.applicationId(), d.inputPartitions(), analytics.grace(),
                analytics.retention(), analytics.sessionTimeout(), d.trendingSize(), d.trendingWindow(),
                analytics.trendingInterval(), d.trendingIdle(), d.fromMs(), d.toMs());
    }

    private static Analytics readAnalytics(EnvReader r, String applicationId) {
        boolean enabled = r.bool("SYNC_ANALYTICS", true);
        String id = r.string("SYNC_ANALYTICS_APPLICATION_ID", applicationId + "-analytics");
        if (!id.matches("[A-Za-z0-9._-]{1,200}")) {
            r.problem("SYNC_ANALYTICS_APPLICATION_ID", "must be 1-200 chars of [A-Za-z0-9._-]", id);
        } else if (id.equals(applicationId)) {
            r.problem("SYNC_ANALYTICS_APPLICATION_ID", "must differ from SYNC_APPLICATION_ID (the two applications keep "
                    + "their own offsets and stores)", id);
        }
        Duration grace = Duration.ofMillis(r.longValue("SYNC_ANALYTICS_GRACE_MS",
                AnalyticsSettings.DEFAULT_GRACE.toMillis(), 0, Duration.ofDays(7).toMillis()));
        Duration retention = Duration.ofMillis(r.longValue("SYNC_ANALYTICS_RETENTION_MS",
                AnalyticsSettings.DEFAULT_RETENTION.toMillis(), Duration.ofHours(2).toMillis(),
                Duration.ofDays(3650).toMillis()));
        if (retention.compareTo(AnalyticsSettings.HOUR.plus(grace)) < 0) {
            r.problem("SYNC_ANALYTICS_RETENTION_MS", "must be at least an hour plus SYNC_ANALYTICS_GRACE_MS",
                    Long.toString(retention.toMillis()));
            retention = AnalyticsSettings.HOUR.plus(grace);
        }
        Duration session = Duration.ofMillis(r.longValue("SYNC_ANALYTICS_SESSION_TIMEOUT_MS",
                AnalyticsSettings.DEFAULT_SESSION_TIMEOUT.toMillis(), 60_000, Duration.ofDays(30).toMillis()));
        Duration trending = Duration.ofMillis(r.longValue("SYNC_ANALYTICS_TRENDING_INTERVAL_MS",
                AnalyticsSettings.DEFAULT_TRENDING_INTERVAL.toMillis(), 10, 3_600_000));
        int threads = r.integer("SYNC_ANALYTICS_STREAM_THREADS", 1, 1, 64);
        return new Analytics(enabled, id, grace, retention, session, trending, threads);
    }

    /** {@code SYNC_REGION} and {@code SYNC_PEER_REGIONS} (contract §16). */
    private static Regions readRegions(EnvReader r) {
        Optional<String> self = r.optional("SYNC_REGION");
        Optional<String> peers = r.optional("SYNC_PEER_REGIONS");
        if (peers.isPresent() && self.isEmpty()) {
            r.problem("SYNC_PEER_REGIONS is set without SYNC_REGION (this region's name: its peers read its events as "
                    + "<SYNC_REGION>.sync.device-events)");
            return Regions.NONE;
        }
        try {
            return Regions.parse(self, peers);
        } catch (IllegalArgumentException e) {
            r.problem(peers.isPresent() ? "SYNC_PEER_REGIONS" : "SYNC_REGION", "must be name=bootstrap[,name=bootstrap…] "
                    + "with region names of " + Regions.NAME_RULE + ": " + e.getMessage(), peers.orElse(self.orElse("")));
            return Regions.NONE;
        }
    }

    private static Postgres readPostgres(EnvReader r) {
        int embeddedPort = r.integer("SYNC_EMBEDDED_PG_PORT", DEFAULT_EMBEDDED_PG_PORT, 0, 65535);
        Optional<String> user = r.optional("PG_USER");
        Optional<String> password = r.optional("PG_PASSWORD");
        boolean enabled = r.bool("SYNC_PG", true);
        if (!enabled) {
            return new Postgres(PostgresMode.OFF, Optional.empty(), Optional.empty(), Optional.empty(), embeddedPort);
        }
        Optional<String> url = r.optional("PG_URL");
        if (url.isEmpty()) {
            return new Postgres(PostgresMode.EMBEDDED, Optional.empty(), Optional.empty(), Optional.empty(), embeddedPort);
        }
        try {
            PostgresUrl parsed = PostgresUrl.parse(url.get());
            return new Postgres(PostgresMode.EXTERNAL, Optional.of(parsed.jdbcUrl()),
                    user.or(parsed::user), password.or(parsed::password), embeddedPort);
        } catch (IllegalArgumentException e) {
            r.problem("PG_URL", "must be a JDBC URL (jdbc:postgresql://host:port/db) or a postgresql:// URI: "
                    + e.getMessage(), PostgresUrl.redact(url.get()));
            return new Postgres(PostgresMode.OFF, Optional.empty(), Optional.empty(), Optional.empty(), embeddedPort);
        }
    }

    private static Optional<PubNub> readPubNub(EnvReader r) {
        Optional<String> pub = r.optional("PUBNUB_PUBLISH_KEY");
        Optional<String> sub = r.optional("PUBNUB_SUBSCRIBE_KEY");
        boolean secure = r.bool("PUBNUB_SECURE", true);
        Optional<String> origin = r.optional("PUBNUB_ORIGIN");
        origin.ifPresent(o -> {
            if (!o.matches("[A-Za-z0-9.-]+(:\\d{1,5})?")) {
                r.problem("PUBNUB_ORIGIN", "must be host or host:port, without a scheme", o);
            }
        });
        int ttl = r.integer("SYNC_PUBNUB_TOKEN_TTL_MIN", 1440, 1, 43_200);
        Optional<String> userKeys = r.optional("SYNC_PUBNUB_USER_KEYS_SECRET");
        Optional<String> previousUserKeys = r.optional("SYNC_PUBNUB_USER_KEYS_PREVIOUS_SECRET");
        boolean ingress = r.bool("SYNC_PUBNUB_INGRESS", false);
        Duration takeover = Duration.ofMillis(r.longValue("SYNC_PUBNUB_INGRESS_TAKEOVER_MS", 10_000, 6_000, 300_000));
        if (previousUserKeys.isPresent() && userKeys.isEmpty()) {
            r.problem("SYNC_PUBNUB_USER_KEYS_PREVIOUS_SECRET is set without SYNC_PUBNUB_USER_KEYS_SECRET (the previous "
                    + "secret only serves during a rollout to a new one)");
        }
        if (ingress && pub.isEmpty()) {
            r.problem("SYNC_PUBNUB_INGRESS=on needs PUBNUB_PUBLISH_KEY and PUBNUB_SUBSCRIBE_KEY");
        }
        if (pub.isPresent() != sub.isPresent()) {
            r.problem("PUBNUB_PUBLISH_KEY and PUBNUB_SUBSCRIBE_KEY must be set together (only "
                    + (pub.isPresent() ? "PUBNUB_PUBLISH_KEY" : "PUBNUB_SUBSCRIBE_KEY") + " is set)");
            return Optional.empty();
        }
        if (pub.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PubNub(pub.get(), sub.get(), r.optional("PUBNUB_SECRET_KEY"), origin, secure,
                r.optional("PUBNUB_CIPHER_KEY"), new Access(ttl, userKeys, previousUserKeys, ingress, takeover)));
    }

    private static Optional<URI> parseHttpUrl(EnvReader r, String raw) {
        try {
            URI uri = new URI(raw);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                r.problem("SYNC_ADVERTISED_URL", "must be an absolute http:// or https:// URL with a host", raw);
                return Optional.empty();
            }
            return Optional.of(uri);
        } catch (URISyntaxException e) {
            r.problem("SYNC_ADVERTISED_URL", "must be a URL: " + e.getReason(), raw);
            return Optional.empty();
        }
    }

    static String mask(String secret) {
        return secret.length() <= 4 ? "****" : secret.substring(0, 4) + "****";
    }

    @Override
    public String toString() {
        return "SyncConfig[host=" + host + ", port=" + port + ", kafka="
                + kafkaBootstrapServers.orElse("embedded on 127.0.0.1:" + embeddedKafkaPort)
                + ", postgres=" + postgres.mode() + postgres.jdbcUrl().map(u -> " " + PostgresUrl.redact(u)).orElse("")
                + ", applicationId=" + applicationId
                + (servingApplicationId.equals(applicationId) ? "" : ", servingApplicationId=" + servingApplicationId)
                + ", dataDir=" + dataDir
                + ", advertisedUrl=" + advertisedUrl.map(URI::toString).orElse("http://localhost:<port>")
                + ", jwtSecret=" + (jwtSecret.isPresent() ? "set" : "random")
                + ", presenceTimeoutMs=" + presenceTimeoutMs + ", presenceBackgroundTimeoutMs=" + presenceBackgroundTimeoutMs
                + ", history=" + history + ", maxClockSkewMs=" + maxClockSkewMs
                + ", pubnub=" + pubnub.map(PubNub::toString).orElse("off")
                + ", streamThreads=" + streamThreads + ", commitIntervalMs=" + commitIntervalMs
                + ", standbyReplicas=" + standbyReplicas + ", kafkaSessionTimeoutMs=" + kafkaSessionTimeout.toMillis() + ", rocksDbMemoryMb=" + (rocksDbMemoryBytes >> 20)
                + ", viewCacheMb=" + (viewCacheBytes >> 20)
                + ", egress=" + (egress ? "on" : "off")
                + ", analytics=" + (analytics.enabled() ? analytics.applicationId() + " (grace "
                + analytics.grace().toMillis() + " ms)" : "off") + "]";
    }
}
