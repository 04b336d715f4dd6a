package io.mediagateway.sync.testing;

import io.mediagateway.sync.topics.TopicProvisioner;
import io.mediagateway.sync.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A real Kafka broker for the tests, one per test JVM: {@code KAFKA_BOOTSTRAP_SERVERS} when set,
 * else a Testcontainers broker when a Docker engine answers, else an in-process KRaft broker.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaBroker.class);
    static final String IMAGE = "apache/kafka:4.3.1";

    private final String bootstrapServers;
    private final String kind;
    private final AutoCloseable owned;

    private KafkaBroker(String bootstrapServers, String kind, AutoCloseable owned) {
        this.bootstrapServers = bootstrapServers;
        this.kind = kind;
        this.owned = owned;
    }

    static KafkaBroker start() throws Exception {
        String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        if (external != null && !external.isBlank()) {
            log.info("Tests use the external Kafka cluster at {} (KAFKA_BOOTSTRAP_SERVERS)", external);
            return new KafkaBroker(external, "external", null);
        }
        if (Docker.available()) {
            KafkaContainer container = new KafkaContainer(IMAGE);
            container.start();
            log.info("Tests use a Testcontainers Kafka broker at {}", container.getBootstrapServers());
            return new KafkaBroker(container.getBootstrapServers(), "testcontainers", container::stop);
        }
        Path base = TestDirs.create("kafka");
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBaseDirectory(base)
                .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                .build())
                .setConfigProp("unstable.api.versions.enable", "false")
                .setConfigProp("unstable.feature.versions.enable", "false")
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .setDeleteOnClose(true)
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        log.info("Tests use an in-process KRaft broker at {} (no KAFKA_BOOTSTRAP_SERVERS, no Docker engine)",
                cluster.bootstrapServers());
        return new KafkaBroker(cluster.bootstrapServers(), "in-process", cluster);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** {@code external}, {@code testcontainers} or {@code in-process}. */
    public String kind() {
        return kind;
    }

    /** A new admin client of this broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Creates the service's topics ({@code topics/}) that are missing, as {@code serve} does at start. */
    public void ensureServiceTopics() throws Exception {
        try (Admin admin = admin()) {
            new TopicProvisioner(admin, Duration.ofSeconds(60)).ensure(Topics.definitions());
        }
    }

    @Override
    public void close() throws Exception {
        if (owned != null) {
            owned.close();
        }
    }
}
