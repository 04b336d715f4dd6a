package io.mediagateway.sync.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediagateway.sync.app.cli.Main;
import io.mediagateway.sync.testing.KafkaBroker;
import io.mediagateway.sync.testing.RealServices;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

@ExtendWith(RealServices.class)
class TopicProvisionerIT {

    @Test
    void shouldCreateMissingTopicsWithTheirConfigsSoThatTheFirstIdempotentProduceSucceeds(KafkaBroker kafka) throws Exception {
        // given a definition asking for more replicas than the test cluster has
        String name = "provision-" + UUID.randomUUID();
        TopicDefinition def = new TopicDefinition(name, 6, (short) 3,
                Map.of("retention.ms", "-1", "min.insync.replicas", "2", "cleanup.policy", "delete"));
        try (Admin admin = kafka.admin()) {
            // when
            List<String> created = new TopicProvisioner(admin, Duration.ofSeconds(60)).ensure(List.of(def));

            // then it exists with the declared partitions and configs, replication capped to the cluster
            assertThat(created).containsExactly(name);
            TopicDescription description = admin.describeTopics(List.of(name)).allTopicNames().get().get(name);
            assertThat(description.partitions()).hasSize(6);
            int brokers = admin.describeCluster().nodes().get().size();
            assertThat(description.partitions().get(0).replicas()).hasSize(Math.min(3, brokers));
            Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, name)))
                    .all().get().values().iterator().next();
            assertThat(config.get("retention.ms").value()).isEqualTo("-1");

            // and an idempotent producer's first send to every partition is acknowledged (KAFKA-15591)
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
                for (int p = 0; p < 6; p++) {
                    assertThat(producer.send(new ProducerRecord<>(name, p, "k", "v")).get().offset()).isZero();
                }
            }

            // and a second run creates nothing
            assertThat(new TopicProvisioner(admin, Duration.ofSeconds(60)).ensure(List.of(def))).isEmpty();
        }
    }

    @Test
    void shouldRefuseToStartWhenAnExistingTopicHasAnotherPartitionCount(KafkaBroker kafka) throws Exception {
        String name = "mismatch-" + UUID.randomUUID();
        try (Admin admin = kafka.admin()) {
            new TopicProvisioner(admin, Duration.ofSeconds(60)).ensure(
                    List.of(new TopicDefinition(name, 2, (short) 1, Map.of())));

            assertThatThrownBy(() -> new TopicProvisioner(admin, Duration.ofSeconds(60)).ensure(
                    List.of(new TopicDefinition(name, 4, (short) 1, Map.of()))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("topic " + name + " has 2 partitions but topics/" + name
                            + ".properties declares 4")
                    .hasMessageContaining("Refusing to start");
        }
    }

    @Test
    void shouldCreateOrCheckEveryTopicOfTopicsDirFromTheTopicsCommand(KafkaBroker kafka) throws Exception {
        // when the topics command runs against the cluster (twice: the second run finds them all)
        StringWriter out = new StringWriter();
        CommandLine first = Main.commandLine().setOut(new PrintWriter(out));
        int firstExit = first.execute("topics", "--bootstrap-server", kafka.bootstrapServers(), "--timeout", "60s");
        StringWriter again = new StringWriter();
        int secondExit = Main.commandLine().setOut(new PrintWriter(again)).execute("topics", "--bootstrap-server",
                kafka.bootstrapServers());

        // then every topic of topics/ exists with its declared partitions
        assertThat(firstExit).as(out.toString()).isZero();
        assertThat(secondExit).isZero();
        try (Admin admin = kafka.admin()) {
            for (TopicDefinition def : Topics.definitions()) {
                assertThat(admin.describeTopics(List.of(def.name())).allTopicNames().get().get(def.name()).partitions())
                        .hasSize(def.partitions());
                assertThat(again.toString()).containsPattern(def.name() + " +" + def.partitions() + " partitions  exists");
            }
        }
    }
}
