package io.mediagateway.sync.egress.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediagateway.sync.testing.Ports;
import io.mediagateway.sync.testing.TestDirs;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ConnectException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An instance started while its PostgreSQL restarts comes up once the database is back (the fault suite found it
 * exiting instead); a refusal that waiting cannot mend still fails at once.
 */
class SinkDatabaseStartIT {

    @Test
    void aDatabaseThatStartsLateIsWaitedFor() throws Exception {
        int port = Ports.free();
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        CompletableFuture<EmbeddedPostgres> late = CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(3_000);
                return EmbeddedPostgres.builder().setOverrideWorkingDirectory(TestDirs.create("late-pg-runtime").toFile())
                        .setDataDirectory(TestDirs.create("late-pg-data")).setPort(port)
                        .setServerConfig("listen_addresses", "127.0.0.1").start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try (SinkDatabase db = SinkDatabase.open(url, Optional.of("postgres"), Optional.empty(), Duration.ofMinutes(2),
                u -> u)) {
            assertThat(late).as("the database was not there when open() began").isDone();
            try (Connection c = db.dataSource().getConnection()) {
                assertThat(c.createStatement().executeQuery("SELECT count(*) FROM user_progress").next())
                        .as("the migrations ran once it answered").isTrue();
            }
        } finally {
            late.get(2, TimeUnit.MINUTES).close();
        }
    }

    @Test
    void onlyFailuresThatMayMendAreWaitedFor() {
        assertThat(SinkDatabase.notYetAnswering(new IllegalStateException("x", new SQLException("refused", "08001"))))
                .as("connection refused").isTrue();
        assertThat(SinkDatabase.notYetAnswering(new IllegalStateException("x", new SQLException("starting up", "57P03"))))
                .as("the database system is starting up").isTrue();
        assertThat(SinkDatabase.notYetAnswering(new IllegalStateException("x", new RuntimeException(
                "Unable to determine the original schema for the connection", new SQLException("terminating", "57P01")))))
                .as("the server shut down under a migration's connection (the fault suite's case)").isTrue();
        assertThat(SinkDatabase.notYetAnswering(new IllegalStateException("x", new ConnectException("refused"))))
                .isTrue();
        assertThat(SinkDatabase.notYetAnswering(new IllegalStateException("x", new RuntimeException(
                "Unable to read database connection metadata: Connection is closed", new SQLException("Connection is closed")))))
                .as("a pooled connection the pool closed when the server shut down under it (the long fault run's case)")
                .isTrue();
        assertThat(SinkDatabase.notYetAnswering(new IllegalStateException("x", new SQLException("auth", "28P01"))))
                .as("a wrong password").isFalse();
        assertThat(SinkDatabase.notYetAnswering(new IllegalStateException("x", new SQLException("no db", "3D000"))))
                .as("no such database").isFalse();
    }

    @Test
    void aRefusalThatWaitingCannotMendFailsAtOnce() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(TestDirs.create("refusing-pg-runtime").toFile())
                .setDataDirectory(TestDirs.create("refusing-pg-data")).setServerConfig("listen_addresses", "127.0.0.1")
                .start()) {
            String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/no_such_database";
            CompletableFuture<Void> attempt = CompletableFuture.runAsync(() -> SinkDatabase.open(url,
                    Optional.of("postgres"), Optional.empty(), Duration.ofMinutes(10), u -> u));
            // Waiting would run for the ten minutes given; failing at once ends well within one.
            assertThatThrownBy(() -> attempt.get(1, TimeUnit.MINUTES)).hasRootCauseMessage(
                    "FATAL: database \"no_such_database\" does not exist");
        }
    }
}
