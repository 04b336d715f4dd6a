package io.mediagateway.sync.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mediagateway.sync.app.Consumption;
import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.testing.Ports;
import io.mediagateway.sync.testing.ServiceProcess;
import io.mediagateway.sync.testing.TestDirs;
import io.mediagateway.sync.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar's {@code serve}, as a newcomer runs it: no Kafka, no PostgreSQL configured, so it
 * starts the embedded broker and database; it must reach /ready, consume, stop cleanly on SIGTERM and
 * come back on the same data dir with its data.
 */
class ServeCommandIT {
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration STOP = Duration.ofSeconds(60);

    @Test
    void shouldServeWithEmbeddedKafkaAndPostgresSurviveARestartAndExitCleanlyOnSigterm() throws Exception {
        // given a fresh data dir and free ports
        Path dataDir = TestDirs.create("serve-it");
        int http = Ports.free();
        int kafkaPort = Ports.freePair();
        int pgPort = Ports.free();
        Map<String, String> env = Map.of(
                "SYNC_DATA_DIR", dataDir.toString(),
                "SYNC_PORT", Integer.toString(http),
                "SYNC_EMBEDDED_KAFKA_PORT", Integer.toString(kafkaPort),
                "SYNC_EMBEDDED_PG_PORT", Integer.toString(pgPort),
                "SYNC_STREAM_THREADS", "1",
                "SYNC_ANALYTICS", "off");
        String bootstrap = "127.0.0.1:" + kafkaPort;
        String pgUrl = "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
        Path log1 = dataDir.resolve("run1.log");
        RecordMetadata sent;

        // when serve starts for the first time
        try (ServiceProcess run = ServiceProcess.start(env, log1, "serve")) {
            run.awaitReady(http, START);
            assertThat(run.output()).contains("starting an embedded single-node KRaft broker",
                    "starting an embedded PostgreSQL", "SYNC_JWT_SECRET is unset");

            // then it consumes what a plain producer sends
            sent = Consumption.produce(bootstrap, Topics.DEVICE_EVENTS.name(), "user-1", "{\"msg_type\":\"device_leave\"}");
            try (Admin admin = admin(bootstrap)) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> Consumption.committed(admin, "media-gateway-sync", sent) > sent.offset());
            }
            // and its database accepts writes
            try (Connection c = pg(pgUrl); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE restart_probe (id int primary key)");
                s.execute("INSERT INTO restart_probe VALUES (42)");
            }

            // and SIGTERM stops web, streams, then the embedded services, and exits
            assertThat(run.terminate(STOP)).as("exit code after SIGTERM").isEqualTo(143);
            String out = run.output();
            assertThat(out).contains("media-gateway-sync stopped cleanly").doesNotContain("Error while stopping");
            assertThat(List.of(out.indexOf("HTTP server stopped"), out.indexOf("Kafka Streams closed"),
                    out.indexOf("Embedded PostgreSQL stopped"), out.indexOf("Embedded Kafka broker stopped")))
                    .as("shutdown order").doesNotContain(-1).isSorted();
        }

        // when it starts again on the same data dir
        Path log2 = dataDir.resolve("run2.log");
        try (ServiceProcess run = ServiceProcess.start(env, log2, "serve")) {
            run.awaitReady(http, START);

            // then it rejoins as the same static group member, the broker kept its records and offsets,
            // and the database its rows
            assertThat(run.output()).doesNotContain("Formatted the embedded Kafka log directory");
            assertThat(staticMember(run.output())).isEqualTo(staticMember(Files.readString(log1)));
            try (Admin admin = admin(bootstrap)) {
                TopicPartition tp = new TopicPartition(sent.topic(), sent.partition());
                long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
                assertThat(end).isGreaterThan(sent.offset());
                assertThat(Consumption.committed(admin, "media-gateway-sync", sent)).isGreaterThan(sent.offset());
            }
            try (Connection c = pg(pgUrl); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id FROM restart_probe")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
            assertThat(run.terminate(STOP)).isEqualTo(143);
            assertThat(run.output()).contains("media-gateway-sync stopped cleanly");
        }
        assertThat(Http.status("http://127.0.0.1:" + http + "/health")).isEqualTo(-1);
    }

    @Test
    void shouldRefuseToStartWithAMessageNamingTheBadVariable() throws Exception {
        Path dataDir = TestDirs.create("serve-bad-config");
        Path out = dataDir.resolve("out.log");
        try (ServiceProcess run = ServiceProcess.start(
                Map.of("SYNC_DATA_DIR", dataDir.toString(), "SYNC_PORT", "eighty", "PUBNUB_PUBLISH_KEY", "pub-only"),
                out, "serve")) {
            assertThat(run.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(run.output()).contains("SYNC_PORT must be an integer in 0..65535 (got 'eighty')",
                    "PUBNUB_PUBLISH_KEY and PUBNUB_SUBSCRIBE_KEY must be set together");
        }
    }

    private static String staticMember(String log) {
        Matcher m = Pattern.compile("as static member (\\S+)").matcher(log);
        assertThat(m.find()).as("static member line in the log").isTrue();
        return m.group(1);
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private static Connection pg(String url) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        return DriverManager.getConnection(url, p);
    }
}
