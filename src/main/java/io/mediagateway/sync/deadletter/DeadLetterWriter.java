package io.mediagateway.sync.deadletter;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends deltas an egress refused for good to {@code sync.dead-letters}, with the contract's headers
 * naming the reason and the delta's place on {@code sync.state-deltas}. {@link #send} returns once
 * Kafka acknowledged the record, so the delta's offset may be committed after it.
 */
public final class DeadLetterWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterWriter.class);

    private final Producer<byte[], byte[]> producer;

    public DeadLetterWriter(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    public static DeadLetterWriter create(String bootstrapServers, String clientId) {
        return new DeadLetterWriter(new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0),
                new ByteArraySerializer(), new ByteArraySerializer()));
    }

    /** Writes the dead letter and waits for Kafka's acknowledgement; throws if Kafka does not take it. */
    public void send(ConsumerRecord<byte[], byte[]> record, RejectReason reason, String message) {
        log.warn("Delta at {}-{}@{} to the dead-letter topic ({}): {}", record.topic(), record.partition(),
                record.offset(), reason.code(), message);
        try {
            producer.send(DeadLetters.record(record.key(), record.value(), record.timestamp(), record.headers(), reason,
                    message, new DeadLetters.Origin(record.topic(), record.partition(), record.offset())))
                    .get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing a dead letter", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write a dead letter for " + record.topic() + "-"
                    + record.partition() + "@" + record.offset() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }

    /** This client's Kafka metrics (requests, batches, lag, …) for the instance's registry. */
    public KafkaClientMetrics clientMetrics() {
        return new KafkaClientMetrics(producer);
    }
}
