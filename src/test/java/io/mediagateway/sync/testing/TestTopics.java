package io.mediagateway.sync.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Topics of a test's own, and records written to them with every send checked. */
public final class TestTopics {
    private TestTopics() {
    }

    /** Creates {@code prefix-<random>} with {@code partitions} partitions and waits until each has a leader. */
    public static String create(KafkaBroker broker, String prefix, int partitions) throws Exception {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = broker.admin()) {
            return create(admin, name, partitions);
        }
    }

    private static String create(Admin admin, String name, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        // KAFKA-15591: produce only once every new partition answers a list-offsets request.
        Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, partitions).boxed()
                .collect(Collectors.toMap(p -> new TopicPartition(name, p), p -> OffsetSpec.latest()));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
                return name;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** Writes the records (key, value) in order, keyed with the Java client's partitioner; returns where each landed. */
    public static List<RecordMetadata> produce(String bootstrap, String topic, List<Map.Entry<String, byte[]>> records)
            throws Exception {
        return produceAt(bootstrap, topic, records.stream().map(r -> new Timed(r.getKey(), r.getValue(), null)).toList());
    }

    /** A record with its own timestamp ({@code null}: the producer's time). */
    public record Timed(String key, byte[] value, Long timestamp) {
    }

    /** As {@link #produce}, each record with its timestamp. */
    public static List<RecordMetadata> produceAt(String bootstrap, String topic, List<Timed> records) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
            for (Timed r : records) {
                sent.add(producer.send(new ProducerRecord<>(topic, null, r.timestamp(), r.key(), r.value())));
            }
            List<RecordMetadata> out = new ArrayList<>(sent.size());
            for (Future<RecordMetadata> f : sent) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        }
    }
}
