package io.mediagateway.sync.app.cli;

/** The environment variables, as shown by {@code serve --help} and {@code demo --help}. */
public final class EnvironmentHelp {
    public static final String TEXT = """

            Environment:
              SYNC_HOST, SYNC_PORT          HTTP/WebSocket listener (0.0.0.0, 8083; 0 = any free port)
              KAFKA_BOOTSTRAP_SERVERS       Kafka cluster; unset = embedded KRaft broker on
                                            127.0.0.1:SYNC_EMBEDDED_KAFKA_PORT (9092; controller on +1)
              PG_URL, PG_USER, PG_PASSWORD  sink database (jdbc:postgresql://h:p/db or postgresql://u:p@h:p/db);
                                            unset = embedded PostgreSQL on SYNC_EMBEDDED_PG_PORT (5432);
                                            SYNC_PG=off disables the sink
              SYNC_APPLICATION_ID           Kafka Streams application id (media-gateway-sync); also names
                                            the egress consumer groups
              SYNC_SERVING_APPLICATION_ID   the serving streams' application id (SYNC_APPLICATION_ID); set
                                            it to a serving replay's id to switch to the rebuilt state
              SYNC_DATA_DIR                 state stores and embedded services' data (./data)
              SYNC_INSTANCE_ID              static group member id (generated once per data dir)
              SYNC_ADVERTISED_URL           how other instances reach this one (http://localhost:SYNC_PORT)
              SYNC_JWT_SECRET               HS256 token key; unset = random per run, logged with a sample token
              SYNC_PRESENCE_TIMEOUT_MS      device offline after this long without a heartbeat (60000)
              SYNC_PRESENCE_BACKGROUND_TIMEOUT_MS
                                            the same after an "app_state":"background" heartbeat (600000)
              SYNC_HISTORY_MAX_CHANGES      changes kept per user for catch-up (100)
              SYNC_HISTORY_RETENTION_MS     ... and for how long at least (86400000)
              SYNC_TRENDING_PUBLISH_INTERVAL_MS
                                            global.trending on PubNub (and its history) at most this often (3600000)
              SYNC_MAX_CLOCK_SKEW_MS        reject events this far ahead of the wall clock (60000)
              SYNC_WATCHLIST_DEFERRED_WINDOW_MS, SYNC_WATCHLIST_MAX_DEFERRED
                                            how long (3600000) and how many (64) removes that arrive
                                            before their add wait for it, per watchlist item
              PUBNUB_PUBLISH_KEY, PUBNUB_SUBSCRIBE_KEY, PUBNUB_SECRET_KEY, PUBNUB_ORIGIN,
              PUBNUB_SECURE, PUBNUB_CIPHER_KEY
                                            PubNub egress, on when both keys are set
              SYNC_REGION                   this cluster's region name (unset: one region)
              SYNC_PEER_REGIONS             the other regions: name=bootstrap[,name=bootstrap…] (brokers of
                                            one region separated by ; ); their events arrive as
                                            <name>.sync.device-events and merge into the same state
              SYNC_MIRROR                   run MirrorMaker 2 for the flows into this region (on); off
                                            when a standalone MM2 carries them (the mirror command);
                                            one MM2 per region: with several instances, off on all
              SYNC_EGRESS                   run the PubNub and PostgreSQL egress in this process (on);
                                            off when they run apart, with the egress command
              SYNC_ANALYTICS                run the analytics application in this process (on)
              SYNC_ANALYTICS_APPLICATION_ID its application id (SYNC_APPLICATION_ID-analytics)
              SYNC_ANALYTICS_GRACE_MS       late events count while their hour closed less than this
                                            long before the newest event time (1800000)
              SYNC_ANALYTICS_RETENTION_MS   hourly figures kept for REST (2592000000 = 30 days)
              SYNC_ANALYTICS_SESSION_TIMEOUT_MS
                                            back to a content after this long = a new start (21600000)
              SYNC_ANALYTICS_TRENDING_INTERVAL_MS
                                            most often the trending list is published (1000)
              SYNC_ANALYTICS_STREAM_THREADS its stream threads in serve (1)
              SYNC_EGRESS_BATCH             most deltas per egress batch / transaction (500)
              SYNC_PUBNUB_CONCURRENCY       users published to PubNub at once (32)
              SYNC_PUBNUB_TOKEN_TTL_MIN     life of devices' PubNub tokens, POST /api/v1/pubnub/token (1440)
              SYNC_PUBNUB_USER_KEYS_SECRET  per-user PubNub message keys derive from it (unset: shared key)
              SYNC_PUBNUB_USER_KEYS_PREVIOUS_SECRET
                                            the secret before a rotation: its keys still decrypt (unset)
              SYNC_PUBNUB_INGRESS           take what devices publish on user.* (off); one instance subscribes
              SYNC_PUBNUB_INGRESS_TAKEOVER_MS
                                            a silent subscriber is replaced after this long (10000)
              SYNC_DEDUP_WINDOW_MS          how long a user's message_ids are remembered (3600000)
              SYNC_PRESENCE_CHECK_INTERVAL_MS
                                            how often devices are checked for the timeout (1000)
              SYNC_RATE_LIMIT_USER_PER_SEC, SYNC_RATE_LIMIT_DEVICE_PER_SEC
                                            API requests per second per user (100) and per device (20),
                                            bursts of twice that; 0 = no limit; beyond: 429 + Retry-After
              SYNC_MAX_WAITING_READS        reads with 'after' waiting for their write at once (64);
                                            more are refused at once: 503 not_yet_visible + Retry-After
              SYNC_STREAM_THREADS           Kafka Streams threads (number of cores)
              SYNC_COMMIT_INTERVAL_MS       exactly-once commit interval while keeping up: a floor of
                                            delta latency (20); a backlog commits every 200 ms
              SYNC_STANDBY_REPLICAS         standby copies of each store on other instances (1)
              SYNC_KAFKA_SESSION_TIMEOUT_MS how long a silent instance keeps its users' tasks and its
                                            share of the egress before the others take them (45000)
              SYNC_ROCKSDB_MEMORY_MB        off-heap budget shared by all state stores: block cache,
                                            index/filter blocks and memtables (256)
              SYNC_VIEW_CACHE_MB            heap kept for rendered watchlist items, copied into answers
                                            instead of rebuilt (16; 0 = off)
              SYNC_STARTUP_TIMEOUT_MS       how long to wait for Kafka and PostgreSQL at start (120000)
              SYNC_SHUTDOWN_TIMEOUT_MS      how long streams may take to close (30000)
              SYNC_LOG_LEVEL                this service's log level (INFO)
              SYNC_KAFKA_LOG_LEVEL          Kafka's own classes' log level (WARN; INFO shows rebalances)
              SYNC_LOG_FORMAT               text (default) or json: one JSON object per line

            Exit codes: 0 stopped on request (SIGTERM/SIGINT); 1 could not start; 2 configuration at fault;
              70 stopped itself after a stream thread died twice within 10 minutes (a supervisor should
              start it again: README, "The topology").
            """;

    private EnvironmentHelp() {
    }
}
