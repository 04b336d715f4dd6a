package io.mediagateway.sync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mediagateway.sync.ingest.LogPosition;
import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.testing.KafkaBroker;
import io.mediagateway.sync.testing.PostgresDatabase;
import io.mediagateway.sync.testing.RealServices;
import io.mediagateway.sync.testing.TestDirs;
import io.mediagateway.sync.testing.TopicReader;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.web.JwtTokens;
import io.mediagateway.sync.web.ReadTokens;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The service in this JVM against the harness's real broker and real PostgreSQL. */
@ExtendWith(RealServices.class)
class ServiceIT {

    @Test
    void shouldBecomeReadyConsumeAProducedEventAndStopCleanly(KafkaBroker kafka, PostgresDatabase pg) throws Exception {
        // given
        String applicationId = "service-it-" + UUID.randomUUID();
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        var database = pg.freshDatabase("service_it");
        putDatabase(env, pg, database.getDatabaseName());
        env.put("SYNC_PORT", "0");
        env.put("SYNC_HOST", "127.0.0.1");
        env.put("SYNC_DATA_DIR", TestDirs.create("service-it").toString());
        env.put("SYNC_APPLICATION_ID", applicationId);
        env.put("SYNC_STREAM_THREADS", "1");
        env.put("SYNC_JWT_SECRET", "service-it-secret-of-at-least-32-bytes!");
        // Serving only (AnalyticsServiceIT runs both): a new application catches up with the whole shared log.
        env.put("SYNC_ANALYTICS", "off");
        int port;
        try (SyncService service = SyncService.start(SyncConfig.fromEnv(env)); Admin admin = kafka.admin()) {
            port = service.httpPort();
            String base = "http://127.0.0.1:" + port;
            assertThat(service.database()).isPresent();

            // when the streams are running
            await().atMost(Duration.ofSeconds(60)).until(() -> Http.status(base + "/ready") == 200);
            assertThat(admin.listTopics().names().get()).containsAll(Topics.all().stream().map(t -> t.name()).toList());

            // and a gateway produces an event with a plain producer
            String user = "service-it-" + UUID.randomUUID().toString().substring(0, 8);
            RecordMetadata sent = Consumption.produce(kafka.bootstrapServers(), Topics.DEVICE_EVENTS.name(), user,
                    "{\"msg_type\":\"device_heartbeat\",\"device_id\":\"tv-1\"}");

            // then the service consumes and commits it (and the rest of the shared log before it: a new
            // application starts from the beginning), and the delta is on sync.state-deltas
            Map<TopicPartition, Long> ends = Consumption.endOffsets(admin, Topics.DEVICE_EVENTS.name());
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Consumption.caughtUp(admin, applicationId, ends));
            assertThat(Consumption.committed(admin, applicationId, sent)).isGreaterThan(sent.offset());
            List<String> deltas = TopicReader.readCommitted(kafka.bootstrapServers(), Topics.STATE_DELTAS.name()).stream()
                    .filter(r -> user.equals(new String(r.key(), StandardCharsets.UTF_8)))
                    .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
            assertThat(deltas).singleElement().asString()
                    .contains("\"msg_type\":\"device_online\"", "\"device_id\":\"tv-1\"", "\"online\":true",
                            "\"delta_id\":\"" + sent.partition() + "-" + sent.offset() + "-0\"");
            // and the in-process PostgreSQL egress writes it to user_devices
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                try (var c = database.getConnection(); var st = c.prepareStatement(
                        "SELECT is_online FROM user_devices WHERE user_id = ? AND device_id = 'tv-1'")) {
                    st.setString(1, user);
                    try (var rs = st.executeQuery()) {
                        return rs.next() && rs.getBoolean(1);
                    }
                }
            });
            assertThat(service.meters().get("sync.egress.delivered").tag("sink", "postgres").counter().count())
                    .isGreaterThanOrEqualTo(1.0);
            // and /metrics shows Kafka Streams, the service's own consumers and producers, the sink, HTTP and the JVM
            String metrics = Http.get(base + "/metrics").body();
            String app = "application=\"" + applicationId + "\"";
            assertThat(metrics).contains("kafka_stream_thread_process_total{" + app,
                    "kafka_consumer_fetch_manager_records_consumed_total{" + app + ",client_id=\"" + applicationId + "-postgres-sink\"",
                    "kafka_producer_record_send_total{" + app,
                    "sync_egress_delivered_total{" + app + ",sink=\"postgres\"}",
                    "http_server_requests_seconds_count{" + app + ",method=\"GET\",outcome=\"SUCCESS\",status=\"200\",uri=\"/ready\"}",
                    "jvm_memory_used_bytes{" + app, "sync_websocket_sessions{" + app);
            // and, the instance caught up, a write through the REST API is visible to a read with its
            // token (read-your-writes; an instance still catching up may answer 503 not_yet_visible)
            String token = new JwtTokens(env.get("SYNC_JWT_SECRET")).forUser(user, "phone-1", Duration.ofHours(1),
                    java.time.Instant.now());
            var written = Http.call(base + "/api/v1/sync/watchlist", token, "{\"operation\":\"add\",\"content_id\":\"tmdb:550\"}");
            assertThat(written.statusCode()).as(written.body()).isEqualTo(202);
            String after = new com.fasterxml.jackson.databind.ObjectMapper().readTree(written.body()).path("token").asText();
            var read = Http.call(base + "/api/v1/sync/watchlist?after=" + after, token, null);
            assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
            assertThat(read.body()).contains("\"content_id\":\"tmdb:550\"", "\"device_id\":\"phone-1\"");
            // and a token the service did not issue is refused at once; one signed for a position the log
            // never held (a token of another cluster sharing the secret) is refused after one look at the log
            String unsigned = java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString("v1:0:1000000000".getBytes(StandardCharsets.UTF_8));
            var forged = Http.call(base + "/api/v1/sync/watchlist?after=" + unsigned, token, null);
            assertThat(forged.statusCode()).as(forged.body()).isEqualTo(400);
            assertThat(forged.body()).contains("\"error\":\"invalid_token\"");
            String beyondTheLog = new ReadTokens(new JwtTokens(env.get("SYNC_JWT_SECRET")).derivedKey("read-token"))
                    .issue(user, new LogPosition(sent.partition(), 1_000_000_000L));
            var neverWritten = Http.call(base + "/api/v1/sync/watchlist?after=" + beyondTheLog, token, null);
            assertThat(neverWritten.statusCode()).as(neverWritten.body()).isEqualTo(400);
            assertThat(neverWritten.body()).contains("\"error\":\"invalid_token\"", "never held");
            assertThat(Http.get(base + "/health").body())
                    .contains("\"status\":\"healthy\"", "\"service\":\"media-gateway-sync\"", "\"version\"");
        }
        // and after close nothing listens any more
        assertThat(Http.status("http://127.0.0.1:" + port + "/health")).isEqualTo(-1);
    }

    @Test
    void theEgressCommandRunsTheSinksAloneAgainstARunningCluster(KafkaBroker kafka, PostgresDatabase pg) throws Exception {
        kafka.ensureServiceTopics();
        var database = pg.freshDatabase("egress_it");
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        putDatabase(env, pg, database.getDatabaseName());
        env.put("SYNC_PORT", "0");
        env.put("SYNC_HOST", "127.0.0.1");
        env.put("SYNC_DATA_DIR", TestDirs.create("egress-it").toString());
        env.put("SYNC_APPLICATION_ID", "egress-it-" + UUID.randomUUID());
        String user = "egress-it-" + UUID.randomUUID().toString().substring(0, 8);
        try (SyncService egress = SyncService.start(SyncConfig.fromEnv(env), SyncService.Role.EGRESS_ONLY)) {
            assertThat(Http.status("http://127.0.0.1:" + egress.httpPort() + "/ready")).isEqualTo(200);
            Consumption.produce(kafka.bootstrapServers(), Topics.STATE_DELTAS.name(), user,
                    "{\"msg_type\":\"preference_update\",\"user_id\":\"" + user + "\",\"hlc\":\"7000000000000000\","
                            + "\"device_id\":\"tv\",\"delta_id\":\"egress-it-1\",\"key\":\"lang\",\"value\":\"fr\"}");
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                try (var c = database.getConnection(); var st = c.prepareStatement(
                        "SELECT value::text FROM user_preferences WHERE user_id = ? AND key = 'lang'")) {
                    st.setString(1, user);
                    try (var rs = st.executeQuery()) {
                        return rs.next() && rs.getString(1).equals("\"fr\"");
                    }
                }
            });
        }
        env.remove("KAFKA_BOOTSTRAP_SERVERS");
        assertThatThrownBy(() -> SyncService.start(SyncConfig.fromEnv(env), SyncService.Role.EGRESS_ONLY))
                .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
    }

    private static void putDatabase(Map<String, String> env, PostgresDatabase pg, String database) {
        env.put("PG_URL", pg.jdbcUrlOf(database));
        if (pg.user() != null) {
            env.put("PG_USER", pg.user());
        }
        if (pg.password() != null) {
            env.put("PG_PASSWORD", pg.password());
        }
    }
}
