package io.mediagateway.sync.topology;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams configuration of the service, shared by {@code serve} and the tests. */
public final class StreamsProperties {
    /**
     * Under {@code exactly_once_v2} a delta becomes visible to {@code read_committed} readers (the
     * WebSocket fan-out, PubNub and PostgreSQL) only when its transaction commits, so the commit
     * interval is a floor of end-to-end latency. Measured on one 2-core machine with 1,000 events/s of
     * background (BENCHMARKS.md, B2): 50 ms gave write→push p50 83 ms, p99 184 ms; 20 ms p50 42 ms,
     * p99 130 ms; 10 ms p50 64 ms, p99 181 ms (the commits themselves start to cost more than they save).
     * A backlog is processed as fast at 20 ms as at 50 ms (B1: 9.6–14.8k against 7.0–13.5k events/s per
     * stream thread), so 20 ms it is.
     */
    public static final long DEFAULT_COMMIT_INTERVAL_MS = 20;
    /**
     * Kafka Streams' own {@code commit.interval.ms}, which paces a task only while it works through a backlog: a task
     * that keeps up asks for its commits every {@code SYNC_COMMIT_INTERVAL_MS} itself ({@code CommitPace}). Longer
     * than a slow commit, so the records processed between two commits grow as Kafka Streams means them to.
     */
    public static final long BACKLOG_COMMIT_INTERVAL_MS = 200;
    /** The Streams property (passed to the processors as it is) holding {@code SYNC_COMMIT_INTERVAL_MS}. */
    static final String CAUGHT_UP_COMMIT_INTERVAL_CONFIG = "media.gateway.sync.caught.up.commit.interval.ms";
    /** One standby per task: a failed instance's users are served again after a short catch-up, not a full restore. */
    public static final int DEFAULT_STANDBY_REPLICAS = 1;

    private StreamsProperties() {
    }

    /**
     * How long the stream thread blocks in {@code poll} when no record comes: half the commit interval (at most
     * Kafka Streams' 100 ms default). A lone record is processed at once, but its transaction commits only on the
     * thread's next pass after the commit interval, and an idle thread makes that pass when its poll returns
     * empty: with the default 100 ms a write on a quiet service waited up to 100 ms for its commit
     * (write → push p50 110–116 ms idle against ~30 ms under load; now 21–27 ms; BENCHMARKS.md, B2). An idle thread now wakes
     * every 10 ms, which costs next to nothing.
     */
    /**
     * How long a stream thread's transactional producer waits before it retries a request (then doubling, up to
     * {@code retry.backoff.max.ms}, 1 s): 10 ms instead of the producer's 100. A commit every 20 ms meets the
     * broker still completing the previous transaction now and then ({@code CONCURRENT_TRANSACTIONS}), and with
     * 100 ms every such retry stalled the commit — and every delta of it — by 100 ms: B1's topology passes had
     * a longest commit of 107–256 ms in 13 of 14 passes with the default, 39–97 ms in 11 of 12 with 5 or 10 ms
     * (BENCHMARKS.md, "Commits that waited 100 ms").
     */
    public static final long TRANSACTION_RETRY_BACKOFF_MS = 10;

    /** How often a task that keeps up commits: {@code SYNC_COMMIT_INTERVAL_MS} as configured, or its default. */
    static java.time.Duration caughtUpCommitInterval(java.util.Map<String, Object> appConfigs) {
        Object configured = appConfigs.get(CAUGHT_UP_COMMIT_INTERVAL_CONFIG);
        long ms = configured == null ? DEFAULT_COMMIT_INTERVAL_MS : Long.parseLong(configured.toString());
        return java.time.Duration.ofMillis(ms);
    }

    static long pollMs(long commitIntervalMs) {
        return Math.max(1, Math.min(100, commitIntervalMs / 2));
    }

    /**
     * @param standbyReplicas standby copies of each task's stores on other instances (used only when
     *                        there are other instances; a single instance simply has none)
     */
    public static Properties of(String applicationId, String bootstrapServers, Path stateDir, int threads,
                                long commitIntervalMs, int standbyReplicas) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Math.max(commitIntervalMs, BACKLOG_COMMIT_INTERVAL_MS));
        props.put(CAUGHT_UP_COMMIT_INTERVAL_CONFIG, commitIntervalMs);
        props.put(StreamsConfig.POLL_MS_CONFIG, pollMs(commitIntervalMs));
        props.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), TRANSACTION_RETRY_BACKOFF_MS);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbyReplicas);
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        // A task reads sync.device-events and the repartition topic. The merge is a CRDT join, so
        // the two need no time alignment: never idle waiting for the other input (the default would
        // wait on an empty repartition partition's fetch, up to fetch.max.wait.ms per round).
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, ExceptionHandlers.Deserialization.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ExceptionHandlers.Processing.class);
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, ExceptionHandlers.Production.class);
        // No global stores; set so the handler's scope does not change under us in Kafka 5.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class);
        props.put(BoundedRocksDb.MEMORY_BYTES_CONFIG, BoundedRocksDb.DEFAULT_MEMORY_BYTES);
        return props;
    }
}
