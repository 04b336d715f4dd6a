package io.mediagateway.sync.runtime;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/** Produces with a plain Kafka producer and reads what a consumer group has committed. */
final class Consumption {
    private Consumption() {
    }

    static RecordMetadata produce(String bootstrap, String topic, String key, String value)
            throws ExecutionException, InterruptedException {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            // get() surfaces a failed send; flush() alone would not.
            return producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /** The committed offset of {@code group} on the record's partition, or -1. */
    static long committed(Admin admin, String group, RecordMetadata record) throws ExecutionException, InterruptedException {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        Map<TopicPartition, OffsetAndMetadata> offsets =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        OffsetAndMetadata committed = offsets.get(tp);
        return committed == null ? -1 : committed.offset();
    }
}
