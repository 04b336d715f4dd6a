package io.mediagateway.sync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.testing.KafkaBroker;
import io.mediagateway.sync.testing.PostgresDatabase;
import io.mediagateway.sync.testing.RealServices;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The harness hands out real services, and the same instance to every test of the JVM. */
@ExtendWith(RealServices.class)
class HarnessIT {

    @Test
    void shouldGiveARealPostgresThatStoresRows(PostgresDatabase pg) throws Exception {
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE probe (k text primary key, v jsonb)");
            s.execute("INSERT INTO probe VALUES ('a', '{\"x\": 1}') ON CONFLICT (k) DO UPDATE SET v = excluded.v");
            try (ResultSet rs = s.executeQuery("SELECT v->>'x', current_setting('server_version_num')::int FROM probe")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("1");
                assertThat(rs.getInt(2)).isGreaterThanOrEqualTo(150000);
            }
        }
    }

    @Test
    void shouldShareOneBrokerPerJvm(KafkaBroker first, KafkaBroker second) throws Exception {
        assertThat(first).isSameAs(second);
        assertThat(first.kind()).isIn("external", "testcontainers", "in-process");
        try (var admin = first.admin()) {
            assertThat(admin.describeCluster().nodes().get()).isNotEmpty();
        }
    }
}
