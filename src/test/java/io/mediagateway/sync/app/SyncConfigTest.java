package io.mediagateway.sync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SyncConfigTest {

    @Test
    void shouldUseTheContractDefaultsWhenNothingIsSet() {
        SyncConfig config = SyncConfig.fromEnv(Map.of());

        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(8083);
        assertThat(config.embeddedKafka()).isTrue();
        assertThat(config.embeddedKafkaPort()).isEqualTo(9092);
        assertThat(config.postgres().mode()).isEqualTo(SyncConfig.PostgresMode.EMBEDDED);
        assertThat(config.applicationId()).isEqualTo("media-gateway-sync");
        assertThat(config.dataDir()).isEqualTo(Path.of("./data").toAbsolutePath().normalize());
        assertThat(config.advertisedUrlFor(8083)).isEqualTo(URI.create("http://localhost:8083"));
        assertThat(config.jwtSecret()).isEmpty();
        assertThat(config.presenceTimeoutMs()).isEqualTo(60_000);
        assertThat(config.commitIntervalMs()).as("BENCHMARKS.md, B2").isEqualTo(20);
        assertThat(config.maxClockSkewMs()).isEqualTo(60_000);
        assertThat(config.pubnub()).isEmpty();
        assertThat(config.watchlistPolicy()).isEqualTo(io.mediagateway.sync.crdt.OrElement.Policy.DEFAULT);
    }

    @Test
    void shouldRunAnalyticsBesideUnderItsOwnApplicationIdWithTheirDefaults() {
        SyncConfig config = SyncConfig.fromEnv(Map.of("SYNC_APPLICATION_ID", "sync-eu"));
        assertThat(config.analytics().enabled()).isTrue();
        assertThat(config.analytics().applicationId()).isEqualTo("sync-eu-analytics");
        assertThat(config.servingApplicationId()).isEqualTo("sync-eu");
        assertThat(config.analyticsSettings().grace()).isEqualTo(java.time.Duration.ofMinutes(30));
        assertThat(config.analyticsSettings().trendingSize()).isEqualTo(100);
        assertThat(config.analyticsSettings().applicationId()).isEqualTo("sync-eu-analytics");
        assertThat(config.analytics().streamThreads()).isEqualTo(1);

        SyncConfig set = SyncConfig.fromEnv(Map.of("SYNC_ANALYTICS", "off", "SYNC_ANALYTICS_APPLICATION_ID", "stats",
                "SYNC_ANALYTICS_GRACE_MS", "600000", "SYNC_SERVING_APPLICATION_ID", "media-gateway-sync-v2",
                "SYNC_ANALYTICS_STREAM_THREADS", "3"));
        assertThat(set.analytics().streamThreads()).isEqualTo(3);
        assertThat(set.analytics().enabled()).isFalse();
        assertThat(set.analyticsSettings().applicationId()).isEqualTo("stats");
        assertThat(set.analyticsSettings().grace()).isEqualTo(java.time.Duration.ofMinutes(10));
        assertThat(set.servingApplicationId()).isEqualTo("media-gateway-sync-v2");
        assertThat(set.applicationId()).as("still names the egress groups").isEqualTo("media-gateway-sync");

        assertThatThrownBy(() -> SyncConfig.fromEnv(Map.of("SYNC_ANALYTICS_APPLICATION_ID", "media-gateway-sync",
                "SYNC_ANALYTICS_RETENTION_MS", "3600000", "SYNC_ANALYTICS_STREAM_THREADS", "0")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(3)
                        .anyMatch(p -> p.startsWith("SYNC_ANALYTICS_STREAM_THREADS"))
                        .anyMatch(p -> p.startsWith("SYNC_ANALYTICS_APPLICATION_ID must differ"))
                        .anyMatch(p -> p.startsWith("SYNC_ANALYTICS_RETENTION_MS")));
    }

    @Test
    void shouldReadTheWatchlistDeferredWindow() {
        SyncConfig config = SyncConfig.fromEnv(Map.of("SYNC_WATCHLIST_DEFERRED_WINDOW_MS", "600000",
                "SYNC_WATCHLIST_MAX_DEFERRED", "16"));

        assertThat(config.watchlistPolicy().deferredWindowMs()).isEqualTo(600_000);
        assertThat(config.watchlistPolicy().maxDeferred()).isEqualTo(16);
    }

    @Test
    void shouldReadTheEgressSettingsAndRefuseAZeroConcurrency() {
        SyncConfig defaults = SyncConfig.fromEnv(Map.of());
        assertThat(defaults.egress()).isTrue();
        assertThat(defaults.egressBatch()).isEqualTo(500);
        assertThat(defaults.pubnubConcurrency()).isEqualTo(32);

        SyncConfig config = SyncConfig.fromEnv(Map.of("SYNC_EGRESS", "off", "SYNC_EGRESS_BATCH", "100",
                "SYNC_PUBNUB_CONCURRENCY", "128"));
        assertThat(config.egress()).isFalse();
        assertThat(config.egressBatch()).isEqualTo(100);
        assertThat(config.pubnubConcurrency()).isEqualTo(128);
        assertThatThrownBy(() -> SyncConfig.fromEnv(Map.of("SYNC_PUBNUB_CONCURRENCY", "0")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .singleElement().asString().startsWith("SYNC_PUBNUB_CONCURRENCY"));
    }

    @Test
    void shouldBoundTheReadsWaitingForTheirWrites() {
        assertThat(SyncConfig.fromEnv(Map.of()).maxWaitingReads()).isEqualTo(64);
        assertThat(SyncConfig.fromEnv(Map.of("SYNC_MAX_WAITING_READS", "8")).maxWaitingReads()).isEqualTo(8);
        assertThatThrownBy(() -> SyncConfig.fromEnv(Map.of("SYNC_MAX_WAITING_READS", "0")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .singleElement().asString().startsWith("SYNC_MAX_WAITING_READS"));
    }

    @Test
    void shouldReadTheKafkaSessionTimeoutWithinWhatBrokersAccept() {
        assertThat(SyncConfig.fromEnv(Map.of()).kafkaSessionTimeout()).isEqualTo(java.time.Duration.ofSeconds(45));
        assertThat(SyncConfig.fromEnv(Map.of("SYNC_KAFKA_SESSION_TIMEOUT_MS", "10000")).kafkaSessionTimeout())
                .isEqualTo(java.time.Duration.ofSeconds(10));
        // below the brokers' group.min.session.timeout.ms (6 s by default) a join would be refused
        assertThatThrownBy(() -> SyncConfig.fromEnv(Map.of("SYNC_KAFKA_SESSION_TIMEOUT_MS", "5000")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .singleElement().asString().startsWith("SYNC_KAFKA_SESSION_TIMEOUT_MS"));
        assertThat(io.mediagateway.sync.egress.EgressLoop.sessionTimeout(java.time.Duration.ofSeconds(10), k -> "main." + k))
                .containsEntry("main.session.timeout.ms", 10_000).containsEntry("main.heartbeat.interval.ms", 3_000);
    }

    @Test
    void shouldReportEveryInvalidVariableByNameAtOnce() {
        assertThatThrownBy(() -> SyncConfig.fromEnv(Map.of(
                "SYNC_PORT", "eighty",
                "SYNC_PRESENCE_TIMEOUT_MS", "-5",
                "SYNC_PG", "maybe",
                "SYNC_ADVERTISED_URL", "ftp://x")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "SYNC_PORT must be an integer in 0..65535 (got 'eighty')",
                        "SYNC_PRESENCE_TIMEOUT_MS must be an integer in 1000..604800000 (got '-5')",
                        "SYNC_PG must be one of true, false, on, off, yes, no, 1, 0 (got 'maybe')",
                        "SYNC_ADVERTISED_URL must be an absolute http:// or https:// URL with a host (got 'ftp://x')"));
    }

    @Test
    void shouldTurnAPostgresqlUriIntoAJdbcUrlWithCredentials() {
        SyncConfig config = SyncConfig.fromEnv(Map.of("PG_URL", "postgresql://sync:p%40ss@db.local:5433/media?sslmode=require"));

        assertThat(config.postgres().mode()).isEqualTo(SyncConfig.PostgresMode.EXTERNAL);
        assertThat(config.postgres().jdbcUrl()).contains("jdbc:postgresql://db.local:5433/media?sslmode=require");
        assertThat(config.postgres().user()).contains("sync");
        assertThat(config.postgres().password()).contains("p@ss");
        assertThat(config.toString()).doesNotContain("p@ss").doesNotContain("p%40ss");
    }

    @Test
    void shouldLetPgUserAndPasswordOverrideTheUriAndKeepJdbcUrlsAsGiven() {
        SyncConfig config = SyncConfig.fromEnv(Map.of("PG_URL", "jdbc:postgresql://h:5432/db",
                "PG_USER", "u", "PG_PASSWORD", "pw"));

        assertThat(config.postgres().jdbcUrl()).contains("jdbc:postgresql://h:5432/db");
        assertThat(config.postgres().user()).contains("u");
        assertThat(config.postgres().password()).contains("pw");
    }

    @Test
    void shouldDisableTheSinkWhenSyncPgIsOff() {
        SyncConfig config = SyncConfig.fromEnv(Map.of("SYNC_PG", "off", "PG_URL", "jdbc:postgresql://h/db"));

        assertThat(config.postgres().mode()).isEqualTo(SyncConfig.PostgresMode.OFF);
    }

    @Test
    void shouldRejectAPgUrlOfAnotherScheme() {
        assertThatThrownBy(() -> SyncConfig.fromEnv(Map.of("PG_URL", "mysql://root:secret@h/db")))
                .hasMessageContaining("PG_URL must be a JDBC URL")
                .hasMessageContaining("mysql://root:****@h/db")
                .hasMessageNotContaining("secret");
    }

    @Test
    void shouldEnablePubNubOnlyWithBothKeysAndMaskThemInLogs() {
        SyncConfig config = SyncConfig.fromEnv(Map.of("PUBNUB_PUBLISH_KEY", "pub-c-123456", "PUBNUB_SUBSCRIBE_KEY",
                "sub-c-abcdef", "PUBNUB_ORIGIN", "127.0.0.1:8090", "PUBNUB_SECURE", "false"));

        assertThat(config.pubnub()).hasValueSatisfying(p -> {
            assertThat(p.origin()).contains("127.0.0.1:8090");
            assertThat(p.secure()).isFalse();
            assertThat(p.cipherKey()).isEqualTo(Optional.empty());
        });
        assertThat(config.toString()).doesNotContain("pub-c-123456").doesNotContain("sub-c-abcdef");
        assertThatThrownBy(() -> SyncConfig.fromEnv(Map.of("PUBNUB_SUBSCRIBE_KEY", "sub-c-1")))
                .hasMessageContaining("PUBNUB_PUBLISH_KEY and PUBNUB_SUBSCRIBE_KEY must be set together");
    }

    @Test
    void shouldReadDevicesPubNubAccessAndRefuseIngressOrARolloutThatCannotWork() {
        SyncConfig defaults = SyncConfig.fromEnv(Map.of("PUBNUB_PUBLISH_KEY", "pub-c-1", "PUBNUB_SUBSCRIBE_KEY", "sub-c-1"));
        assertThat(defaults.pubnub().orElseThrow().access()).isEqualTo(new SyncConfig.Access(1440, Optional.empty(),
                Optional.empty(), false, java.time.Duration.ofSeconds(10)));

        SyncConfig config = SyncConfig.fromEnv(Map.of("PUBNUB_PUBLISH_KEY", "pub-c-1", "PUBNUB_SUBSCRIBE_KEY", "sub-c-1",
                "SYNC_PUBNUB_TOKEN_TTL_MIN", "60", "SYNC_PUBNUB_USER_KEYS_SECRET", "new-user-keys-secret",
                "SYNC_PUBNUB_USER_KEYS_PREVIOUS_SECRET", "old-user-keys-secret", "SYNC_PUBNUB_INGRESS", "on",
                "SYNC_PUBNUB_INGRESS_TAKEOVER_MS", "7000"));
        SyncConfig.Access access = config.pubnub().orElseThrow().access();
        assertThat(access.tokenTtlMinutes()).isEqualTo(60);
        assertThat(access.userKeysSecret()).contains("new-user-keys-secret");
        assertThat(access.previousUserKeysSecret()).contains("old-user-keys-secret");
        assertThat(access.ingress()).isTrue();
        assertThat(access.ingressTakeover()).isEqualTo(java.time.Duration.ofSeconds(7));
        assertThat(config.toString()).doesNotContain("user-keys-secret").contains("userKeys=on (rollout)", "ingress=on");

        assertThatThrownBy(() -> SyncConfig.fromEnv(Map.of("SYNC_PUBNUB_INGRESS", "on")))
                .hasMessageContaining("SYNC_PUBNUB_INGRESS=on needs PUBNUB_PUBLISH_KEY");
        assertThatThrownBy(() -> SyncConfig.fromEnv(Map.of("PUBNUB_PUBLISH_KEY", "p", "PUBNUB_SUBSCRIBE_KEY", "s",
                "SYNC_PUBNUB_USER_KEYS_PREVIOUS_SECRET", "old"))).hasMessageContaining("SYNC_PUBNUB_USER_KEYS_SECRET");
        assertThatThrownBy(() -> SyncConfig.fromEnv(Map.of("SYNC_PUBNUB_TOKEN_TTL_MIN", "0")))
                .hasMessageContaining("SYNC_PUBNUB_TOKEN_TTL_MIN");
        assertThatThrownBy(() -> SyncConfig.fromEnv(Map.of("SYNC_PUBNUB_INGRESS_TAKEOVER_MS", "1000")))
                .hasMessageContaining("SYNC_PUBNUB_INGRESS_TAKEOVER_MS");
    }

    @Test
    void shouldUseTheAdvertisedUrlWhenGiven() {
        SyncConfig config = SyncConfig.fromEnv(Map.of("SYNC_ADVERTISED_URL", "http://sync-1.sync:8083", "SYNC_PORT", "0"));

        assertThat(config.advertisedUrlFor(41234)).isEqualTo(URI.create("http://sync-1.sync:8083"));
        assertThat(config.port()).isZero();
    }

    @Test
    void regionsComeFromSyncRegionAndSyncPeerRegions() {
        SyncConfig config = SyncConfig.fromEnv(Map.of("SYNC_REGION", "eu", "SYNC_PEER_REGIONS", "us=kafka-us:9092"));
        assertThat(config.regions().self()).contains("eu");
        assertThat(config.regions().peers()).containsEntry("us", "kafka-us:9092");
        assertThat(config.topologySettings().regions()).isEqualTo(config.regions());
        assertThat(config.mirror()).as("MirrorMaker 2 runs in serve unless SYNC_MIRROR=off").isTrue();
        assertThat(SyncConfig.fromEnv(Map.of()).regions().active()).isFalse();

        assertThatThrownBy(() -> SyncConfig.fromEnv(Map.of("SYNC_PEER_REGIONS", "us=kafka-us:9092")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.startsWith("SYNC_PEER_REGIONS is set without SYNC_REGION")));
        assertThatThrownBy(() -> SyncConfig.fromEnv(Map.of("SYNC_REGION", "eu", "SYNC_PEER_REGIONS", "us")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .anyMatch(p -> p.startsWith("SYNC_PEER_REGIONS") && p.contains("name=bootstrap")));
    }
}
