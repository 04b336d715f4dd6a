package io.mediagateway.sync.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.postgresql.ds.PGSimpleDataSource;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A real PostgreSQL for the tests, one per test JVM: {@code PG_URL} (with {@code PG_USER},
 * {@code PG_PASSWORD}) when set, else a Testcontainers database when a Docker engine answers,
 * else an embedded PostgreSQL (which works as root here, see STACK.md).
 */
public final class PostgresDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PostgresDatabase.class);
    static final String IMAGE = "postgres:17-alpine";

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String kind;
    private final AutoCloseable owned;

    private PostgresDatabase(String jdbcUrl, String user, String password, String kind, AutoCloseable owned) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.kind = kind;
        this.owned = owned;
    }

    static PostgresDatabase start() throws Exception {
        String external = System.getenv("PG_URL");
        if (external != null && !external.isBlank()) {
            log.info("Tests use the external PostgreSQL at PG_URL");
            return new PostgresDatabase(external, System.getenv("PG_USER"), System.getenv("PG_PASSWORD"), "external", null);
        }
        if (Docker.available()) {
            PostgreSQLContainer container = new PostgreSQLContainer(IMAGE);
            container.start();
            log.info("Tests use a Testcontainers PostgreSQL at {}", container.getJdbcUrl());
            return new PostgresDatabase(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
                    "testcontainers", container::stop);
        }
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(TestDirs.create("postgres-runtime").toFile())
                .setDataDirectory(TestDirs.create("postgres-data"))
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
        String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
        log.info("Tests use an embedded PostgreSQL at {} (no PG_URL, no Docker engine)", url);
        return new PostgresDatabase(url, "postgres", null, "embedded", pg);
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** {@code external}, {@code testcontainers} or {@code embedded}. */
    public String kind() {
        return kind;
    }

    /** A new, empty database on this server (named {@code prefix} + a random suffix), for one test. */
    public PGSimpleDataSource freshDatabase(String prefix) throws SQLException {
        String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrlOf(name));
        if (user != null) {
            ds.setUser(user);
        }
        if (password != null) {
            ds.setPassword(password);
        }
        return ds;
    }

    /**
     * The JDBC URL of database {@code name} on this server, as configured (a data source's own
     * {@code getURL()} spells out every driver property, which would override a pool's settings).
     */
    public String jdbcUrlOf(String name) {
        return jdbcUrl.replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
    }

    public Connection connect() throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection(jdbcUrl, props);
    }

    @Override
    public void close() throws Exception {
        if (owned != null) {
            owned.close();
        }
    }
}
