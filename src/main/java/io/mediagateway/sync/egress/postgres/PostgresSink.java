package io.mediagateway.sync.egress.postgres;

import io.mediagateway.sync.deadletter.DeadLetterWriter;
import io.mediagateway.sync.deadletter.RejectReason;
import io.mediagateway.sync.egress.Backoff;
import io.mediagateway.sync.egress.DeltaSink;
import io.mediagateway.sync.egress.EgressMetrics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL sink (contract §9): each batch of deltas becomes one transaction of batched upserts
 * ({@link PostgresRows}; for the analytics' hourly figures {@link ContentHourlyRows}) that also stores, in {@code sync_sink_offsets}, where the sink is in the
 * topic. Offsets live in the database rather than only in Kafka because then rows and position commit
 * or roll back together: a crash between the two cannot exist, and on assignment the sink resumes
 * exactly after the last transaction that committed. (The group's Kafka offsets are committed too,
 * afterwards, so lag shows in the usual tools; they can only trail the database's.)
 *
 * <p>Outages — PostgreSQL stopped, the network gone, a failover — are retried with backoff until they
 * pass, the batch held meanwhile. A delta PostgreSQL refuses for good (a data error, say) is found
 * by writing the batch one delta per transaction and goes to the dead-letter topic; the rest land.
 */
public final class PostgresSink implements DeltaSink {
    private static final Logger log = LoggerFactory.getLogger(PostgresSink.class);
    private static final long LOG_EVERY_MS = 30_000;

    private final String name;
    private final Supplier<SinkRows> rowsOfBatch;
    private final DataSource dataSource;
    private final DeadLetterWriter deadLetters;
    private final EgressMetrics metrics;
    private final Backoff backoff;
    private final ExecutorService worker;
    private long lastOutageLogMs;

    /** The sink of {@code sync.state-deltas} into the tables of contract §9. */
    public PostgresSink(DataSource dataSource, DeadLetterWriter deadLetters, EgressMetrics metrics, Backoff backoff) {
        this("postgres", PostgresRows::new, dataSource, deadLetters, metrics, backoff);
    }

    /** The sink of {@code sync.analytics.content-hourly} into {@code content_hourly_stats}. */
    public static PostgresSink contentHourly(DataSource dataSource, DeadLetterWriter deadLetters, EgressMetrics metrics,
                                             Backoff backoff) {
        return new PostgresSink("analytics-postgres", ContentHourlyRows::new, dataSource, deadLetters, metrics, backoff);
    }

    private PostgresSink(String name, Supplier<SinkRows> rowsOfBatch, DataSource dataSource, DeadLetterWriter deadLetters,
                         EgressMetrics metrics, Backoff backoff) {
        this.name = name;
        this.rowsOfBatch = rowsOfBatch;
        this.dataSource = dataSource;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.backoff = backoff;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "egress-" + name + "-writer");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<Void> deliver(List<ConsumerRecord<byte[], byte[]>> batch, BooleanSupplier cancelled) {
        return CompletableFuture.runAsync(() -> write(batch, cancelled), worker);
    }

    private void write(List<ConsumerRecord<byte[], byte[]>> batch, BooleanSupplier cancelled) {
        SinkRows rows = rowsOfBatch.get();
        List<ConsumerRecord<byte[], byte[]>> readable = new ArrayList<>(batch.size());
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            try {
                rows.add(r);
                readable.add(r);
            } catch (RuntimeException e) {
                deadLetter(r, rows.unreadable(), "not a record this sink can read: " + e.getMessage(), cancelled);
            }
        }
        Map<TopicPartition, Long> next = nextOffsets(batch);
        try {
            retrying(cancelled, () -> transaction(rows, next));
            metrics.delivered(readable.size());
        } catch (Refused e) {
            log.warn("PostgreSQL refused a batch of {} records ({}); writing them one by one", readable.size(),
                    e.getCause().getMessage());
            writeOneByOne(readable, next, cancelled);
        }
    }

    /** Finds the deltas PostgreSQL refuses: each in its own transaction; the refused go to dead letters. */
    private void writeOneByOne(List<ConsumerRecord<byte[], byte[]>> records, Map<TopicPartition, Long> next,
                               BooleanSupplier cancelled) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            SinkRows one = rowsOfBatch.get();
            one.add(r);
            try {
                retrying(cancelled, () -> transaction(one, Map.of()));
                metrics.delivered(1);
            } catch (Refused e) {
                deadLetter(r, RejectReason.POSTGRES_REJECTED, "PostgreSQL refused the record: " + e.getCause().getMessage(),
                        cancelled);
            }
        }
        retrying(cancelled, () -> transaction(rowsOfBatch.get(), next));
    }

    private void transaction(SinkRows rows, Map<TopicPartition, Long> next) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                rows.write(c);
                storeOffsets(c, next);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }
    }

    private static void storeOffsets(Connection c, Map<TopicPartition, Long> next) throws SQLException {
        PostgresRows.executeBatch(c, """
                INSERT INTO sync_sink_offsets (topic, partition, next_offset) VALUES (?, ?, ?)
                ON CONFLICT (topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset
                """, next.entrySet(), (s, e) -> {
            s.setString(1, e.getKey().topic());
            s.setInt(2, e.getKey().partition());
            s.setLong(3, e.getValue());
        });
    }

    /**
     * The offsets stored with the last committed transaction, for the partitions just assigned; 0 (the
     * beginning) for a partition the database has no row for — an empty database is filled from the
     * whole topic, and emptying {@code sync_sink_offsets} replays it.
     */
    @Override
    public Map<TopicPartition, Long> startingOffsets(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> stored = new HashMap<>();
        partitions.forEach(tp -> stored.put(tp, 0L));
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT topic, partition, next_offset FROM sync_sink_offsets")) {
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    TopicPartition tp = new TopicPartition(rs.getString(1), rs.getInt(2));
                    if (partitions.contains(tp)) {
                        stored.put(tp, rs.getLong(3));
                    }
                }
            }
        } catch (SQLException e) {
            // Kafka's committed offsets trail the database's: starting from them re-applies a few
            // deltas, which changes nothing.
            log.warn("Cannot read the sink's offsets from PostgreSQL ({}); starting from the group's committed offsets",
                    e.getMessage());
            return Map.of();
        }
        return stored;
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> r, RejectReason reason, String message,
                            BooleanSupplier cancelled) {
        retrying(cancelled, () -> {
            try {
                deadLetters.send(r, reason, message);
            } catch (IllegalStateException e) {
                throw new SQLTransientException("dead-letter topic unavailable: " + e.getMessage(), e);
            }
        });
        metrics.deadLettered(reason.code());
    }

    private interface Work {
        void run() throws SQLException;
    }

    /** A delta or batch PostgreSQL refuses whatever the number of attempts. */
    private static final class Refused extends RuntimeException {
        Refused(SQLException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** Runs {@code work} until it succeeds, retrying outages with backoff; throws {@link Refused} for the rest. */
    private void retrying(BooleanSupplier cancelled, Work work) {
        for (int attempt = 0; ; attempt++) {
            if (cancelled.getAsBoolean()) {
                throw new Cancelled();
            }
            try {
                work.run();
                if (attempt > 0) {
                    log.info("PostgreSQL sink: delivered again after {} retries", attempt);
                }
                return;
            } catch (SQLException e) {
                if (!isOutage(e)) {
                    throw new Refused(e);
                }
                metrics.retried();
                long delay = backoff.delayMs(attempt, 0);
                long now = System.currentTimeMillis();
                if (attempt == 0 || now - lastOutageLogMs >= LOG_EVERY_MS) {
                    lastOutageLogMs = now;
                    log.warn("PostgreSQL sink: {} (SQLState {}); retry {} in {} ms, the batch waits",
                            e.getMessage(), e.getSQLState(), attempt + 1, delay);
                }
                sleep(delay, cancelled);
            }
        }
    }

    /**
     * Whether an error is PostgreSQL or the way to it being away (retry) rather than this data being
     * refused (dead letter): connection errors (08), resources (53), operator intervention such as a
     * shutdown (57), system errors (58), serialization failures and deadlocks (40), and errors without
     * a state, which the driver and pool use for I/O failures and timeouts.
     */
    static boolean isOutage(SQLException e) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return true;
        }
        String state = e.getSQLState();
        if (state == null || state.length() < 2) {
            return true;
        }
        return switch (state.substring(0, 2)) {
            case "08", "53", "57", "58", "40" -> true;
            default -> false;
        };
    }

    private static void sleep(long ms, BooleanSupplier cancelled) {
        long end = System.currentTimeMillis() + ms;
        while (!cancelled.getAsBoolean()) {
            long left = end - System.currentTimeMillis();
            if (left <= 0) {
                return;
            }
            try {
                Thread.sleep(Math.min(left, 100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Cancelled();
            }
        }
    }

    private static Map<TopicPartition, Long> nextOffsets(List<ConsumerRecord<byte[], byte[]>> batch) {
        Map<TopicPartition, Long> next = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            next.merge(new TopicPartition(r.topic(), r.partition()), r.offset() + 1, Math::max);
        }
        return next;
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
