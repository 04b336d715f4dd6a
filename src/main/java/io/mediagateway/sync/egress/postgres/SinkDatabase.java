package io.mediagateway.sync.egress.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.mediagateway.sync.deadletter.DeadLetterWriter;
import io.mediagateway.sync.egress.Backoff;
import io.mediagateway.sync.egress.EgressMetrics;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's database: a small connection pool, checked to answer and migrated to the current schema
 * before any sink uses it. The only place a pool is built (JDBC stays in this package).
 */
public final class SinkDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SinkDatabase.class);

    private final HikariDataSource pool;

    private SinkDatabase(HikariDataSource pool) {
        this.pool = pool;
    }

    /**
     * Connects to {@code jdbcUrl}, says which PostgreSQL answered, and applies the migrations. A database that does not
     * answer yet — not listening, starting up, restarting — is asked again for up to {@code connectTimeout} (the
     * service's startup timeout), so that an instance started during a database restart comes up once it is back; a
     * refusal that waiting cannot mend (a wrong password, no such database) fails at once.
     *
     * @param redact how the URL is written in logs and errors (no password)
     * @throws IllegalStateException naming the variables to check when the database cannot be reached
     */
    public static SinkDatabase open(String jdbcUrl, Optional<String> user, Optional<String> password,
                                    Duration connectTimeout, UnaryOperator<String> redact) {
        long deadline = System.nanoTime() + connectTimeout.toNanos();
        long pauseMs = 250;
        while (true) {
            try {
                return openOnce(jdbcUrl, user, password, connectTimeout, redact);
            } catch (IllegalStateException e) {
                if (!notYetAnswering(e) || System.nanoTime() + pauseMs * 1_000_000 > deadline) {
                    throw e;
                }
                log.warn("PostgreSQL at {} does not answer yet ({}); asking again for up to {} s (SYNC_STARTUP_TIMEOUT_MS)",
                        redact.apply(jdbcUrl), rootMessage(e), Math.max(0, (deadline - System.nanoTime()) / 1_000_000_000));
                try {
                    Thread.sleep(pauseMs);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                pauseMs = Math.min(5_000, pauseMs * 2);
            }
        }
    }

    /**
     * Whether a failure to connect may mend by itself: SQLSTATE class 08 (connection exception: nothing listening, the
     * connection dropped) or class 57 (operator intervention: the server shutting down under the connection — 57P01,
     * which a restart mid-migration gives — or starting up, 57P03), or no SQLSTATE but a socket failure, or a pooled
     * connection closed under the statement ("Connection is closed", no SQLSTATE: the pool closed it when the server
     * shut down under it — the fault suite restarted PostgreSQL while an instance migrated).
     */
    static boolean notYetAnswering(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57");
            }
            if (t instanceof SQLException sql && "Connection is closed".equals(sql.getMessage())) {
                return true;
            }
            if (t instanceof java.net.ConnectException || t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    private static SinkDatabase openOnce(String jdbcUrl, Optional<String> user, Optional<String> password,
                                         Duration connectTimeout, UnaryOperator<String> redact) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("sync-pg");
        hikari.setJdbcUrl(jdbcUrl);
        user.ifPresent(hikari::setUsername);
        password.ifPresent(hikari::setPassword);
        hikari.setMaximumPoolSize(4);
        // Short: while PostgreSQL is away the sink retries with its own backoff, not inside the pool.
        hikari.setConnectionTimeout(Math.min(5_000, connectTimeout.toMillis()));
        hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
        hikari.addDataSourceProperty("socketTimeout", "60");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to PostgreSQL at " + redact.apply(jdbcUrl)
                    + " (PG_URL, PG_USER, PG_PASSWORD; SYNC_PG=off disables the sink): " + e.getMessage(), e);
        }
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('server_version')")) {
            rs.next();
            log.info("PostgreSQL {} reachable at {}", rs.getString(1), redact.apply(jdbcUrl));
            PostgresSchema.migrate(pool);
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw new IllegalStateException("PostgreSQL at " + redact.apply(jdbcUrl) + " does not answer: " + e.getMessage(), e);
        }
        return new SinkDatabase(pool);
    }

    public DataSource dataSource() {
        return pool;
    }

    /** The sink of {@code sync.state-deltas} into the tables of contract §9. */
    public PostgresSink deltasSink(DeadLetterWriter deadLetters, EgressMetrics metrics, Backoff backoff) {
        return new PostgresSink(pool, deadLetters, metrics, backoff);
    }

    /** The sink of the analytics application's hourly figures into {@code content_hourly_stats}. */
    public PostgresSink contentHourlySink(DeadLetterWriter deadLetters, EgressMetrics metrics, Backoff backoff) {
        return PostgresSink.contentHourly(pool, deadLetters, metrics, backoff);
    }

    @Override
    public void close() {
        pool.close();
    }
}
