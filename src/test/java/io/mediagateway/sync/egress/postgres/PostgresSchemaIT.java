package io.mediagateway.sync.egress.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.testing.PostgresDatabase;
import io.mediagateway.sync.testing.RealServices;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

/** The migrations on a real PostgreSQL: tables, indexes and the four views of contract §9. */
@ExtendWith(RealServices.class)
class PostgresSchemaIT {

    private static List<String> column(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Test
    void migratesOnceAndTheViewsSayWhatTheRowsSay(PostgresDatabase pg) throws Exception {
        PGSimpleDataSource ds = pg.freshDatabase("schema_it");
        assertThat(PostgresSchema.migrate(ds)).isEqualTo("6");
        assertThat(PostgresSchema.migrate(ds)).as("a second start applies nothing").isEqualTo("6");

        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                    INSERT INTO user_watchlists (user_id, content_id, unique_tag, hlc, device_id, is_removed, content_metadata) VALUES
                      ('alice', 'tmdb:550', 't1', 10, 'tv', false, '{"title":"Fight Club"}'),
                      ('alice', 'tmdb:550', 't2', 20, 'phone', false, '{"title":"Fight Club (4K)"}'),
                      ('alice', 'tmdb:13', 't3', 30, 'tv', true, null),
                      ('bob', 'tmdb:13', 't4', 40, 'web', false, null)""");
            s.execute("""
                    INSERT INTO user_progress (user_id, content_id, position_seconds, duration_seconds, state, hlc, device_id) VALUES
                      ('alice', 'a', 30, 100, 'Playing', 1, 'tv'),
                      ('alice', 'b', 90, 100, 'Stopped', 2, 'tv'),
                      ('bob', 'c', 99.5, 100, 'Paused', 3, 'web')""");
            // removed from "continue watching" and a forgotten device (contract §12): kept, flagged, not shown
            s.execute("""
                    INSERT INTO user_progress (user_id, content_id, position_seconds, duration_seconds, state, hlc, device_id,
                                               is_removed) VALUES
                      ('alice', 'd', 0, 1, 'Removed', 5, 'phone', true), ('bob', 'e', 1, 1, 'Removed', 6, 'web', true)""");
            s.execute("""
                    INSERT INTO user_devices (user_id, device_id, device_type, is_online, hlc, last_seen) VALUES
                      ('alice', 'tv', 'TV', true, 1, now()), ('alice', 'phone', 'Phone', true, 2, now()),
                      ('alice', 'web', 'Web', false, 3, now()), ('bob', 'tv', 'TV', false, 4, now())""");
            s.execute("""
                    INSERT INTO user_devices (user_id, device_id, device_type, is_online, hlc, last_seen, is_removed) VALUES
                      ('alice', 'old-tv', 'TV', false, 5, now(), true)""");

            assertThat(column(c, "SELECT user_id || '/' || content_id || '/' || device_id || '/' || array_to_string(unique_tags, ',')"
                    + " || '/' || (content_metadata->>'title') FROM effective_watchlists WHERE user_id = 'alice' ORDER BY content_id"))
                    .containsExactly("alice/tmdb:550/phone/t1,t2/Fight Club (4K)");
            assertThat(column(c, "SELECT user_id || '/' || content_id FROM effective_watchlists ORDER BY 1"))
                    .containsExactly("alice/tmdb:550", "bob/tmdb:13");
            assertThat(column(c, "SELECT content_id || ' ' || completion_percent FROM in_progress_content ORDER BY 1"))
                    .containsExactly("a 0.3000");
            assertThat(column(c, "SELECT content_id || ' ' || completion_percent FROM completed_content ORDER BY 1"))
                    .containsExactly("b 0.9000", "c 0.9950");
            assertThat(column(c, "SELECT user_id || ' ' || online_devices || '/' || known_devices || ' '"
                    + " || coalesce(array_to_string(online_device_ids, ','), '-') FROM online_devices_summary ORDER BY 1"))
                    .containsExactly("alice 2/3 phone,tv", "bob 0/1 -");
            assertThat(column(c, "SELECT indexname FROM pg_indexes WHERE tablename = 'user_devices' ORDER BY 1"))
                    .contains("user_devices_online", "user_devices_updated", "user_devices_user_device");
        }
    }
}
