package io.mediagateway.sync.bench;

import io.mediagateway.sync.app.embedded.EmbeddedKafka;
import io.mediagateway.sync.testing.Ports;
import io.mediagateway.sync.topics.TopicProvisioner;
import io.mediagateway.sync.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/** What scenarios share: the mode, a work directory, and Kafka (a fresh embedded broker per repetition). */
final class BenchContext {
    final boolean quick;
    final Path workDir;

    /** {@code workDir} is emptied first: brokers and state stores of earlier runs take gigabytes. */
    BenchContext(boolean quick, Path workDir) {
        this.quick = quick;
        this.workDir = workDir;
        io.mediagateway.sync.testing.TestDirs.deleteContents(workDir);
    }

    /** {@code full} in a full run, {@code quick} with {@code --quick}. */
    int size(int full, int quick) {
        return this.quick ? quick : full;
    }

    Path dir(String name) {
        try {
            return Files.createDirectories(workDir.resolve(name + "-" + System.nanoTime()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A broker for one repetition with the topics of {@code topics/}: embedded, or {@code KAFKA_BOOTSTRAP_SERVERS}. */
    Broker broker(String name) throws IOException {
        String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        EmbeddedKafka kafka = external == null ? EmbeddedKafka.start(dir(name + "-kafka"), Ports.freePair()) : null;
        Broker broker = new Broker(external != null ? external : kafka.bootstrapServers(), kafka);
        try (Admin admin = broker.admin()) {
            new TopicProvisioner(admin, Duration.ofSeconds(60)).ensure(Topics.definitions());
        }
        return broker;
    }

    record Broker(String bootstrap, EmbeddedKafka embedded) implements AutoCloseable {
        Admin admin() {
            return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        }

        KafkaProducer<String, byte[]> producer() {
            return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 10,
                    ProducerConfig.BATCH_SIZE_CONFIG, 262_144), new StringSerializer(), new ByteArraySerializer());
        }

        @Override
        public void close() {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    static Future<RecordMetadata> send(KafkaProducer<String, byte[]> producer, String topic, String key, String value) {
        return producer.send(new ProducerRecord<>(topic, key, value.getBytes(StandardCharsets.UTF_8)));
    }

    static void await(List<Future<RecordMetadata>> sent) throws Exception {
        for (Future<RecordMetadata> f : sent) {
            f.get();
        }
        sent.clear();
    }

    /** A stream thread that dies ends the application (and the wait for it), instead of a silent hang. */
    static void failFast(KafkaStreams streams) {
        streams.setUncaughtExceptionHandler(e -> {
            e.printStackTrace(System.out);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    /**
     * Waits until {@code group} has committed the end of every partition of {@code topic}; fails as soon as
     * {@code streams} (when given) stops.
     */
    static void awaitCommitted(Admin admin, String group, String topic, Duration timeout, KafkaStreams streams)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(p -> specs.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        var end = admin.listOffsets(specs).all().get();
        while (System.nanoTime() < deadline) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            boolean done = end.entrySet().stream().allMatch(e -> e.getValue().offset() == 0
                    || (committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue().offset()));
            if (done) {
                return;
            }
            if (streams != null && (streams.state() == KafkaStreams.State.ERROR
                    || streams.state() == KafkaStreams.State.NOT_RUNNING || streams.state() == KafkaStreams.State.PENDING_ERROR)) {
                throw new IllegalStateException(group + " stopped: " + streams.state());
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException(group + " did not commit the end of " + topic + " within " + timeout);
    }
}
