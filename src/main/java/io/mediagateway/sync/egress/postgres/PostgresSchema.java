package io.mediagateway.sync.egress.postgres;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's tables and views, as versioned SQL migrations ({@code src/main/resources/db/migration},
 * applied by Flyway at start). A migration once released is never edited: a change is a new version.
 */
public final class PostgresSchema {
    private static final Logger log = LoggerFactory.getLogger(PostgresSchema.class);

    private PostgresSchema() {
    }

    /** Applies the pending migrations; returns the schema version now in place. */
    public static String migrate(DataSource dataSource) {
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .table("sync_schema_history")
                .load()
                .migrate();
        String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
        log.info("PostgreSQL schema at version {} ({} migration(s) applied now)", version, result.migrationsExecuted);
        return version;
    }
}
