package io.mediagateway.sync.ingest;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The API's writes to {@code sync.device-events} (and the notifications and broadcasts backend services send):
 * keyed with the Java partitioner (so a user's records land where the user's task reads), idempotent,
 * {@code acks=all}; a request is answered only once the write is acknowledged.
 */
public final class KafkaEventSink implements EventSink, AutoCloseable {
    static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaProducer<String, byte[]> producer;

    public KafkaEventSink(String bootstrapServers) {
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 1,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) ACK_TIMEOUT.toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ACK_TIMEOUT.toMillis() - 1000,
                ProducerConfig.CLIENT_ID_CONFIG, "media-gateway-sync-api"),
                new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public LogPosition write(String topic, String key, byte[] value, long timestampMs) {
        try {
            RecordMetadata meta = producer.send(new ProducerRecord<>(topic, null, timestampMs == NOW ? null : timestampMs,
                            key, value))
                    .get(ACK_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
            return new LogPosition(meta.partition(), meta.offset());
        } catch (ExecutionException | TimeoutException e) {
            throw new UnavailableException("Kafka did not acknowledge the write: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while writing", e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /** This client's Kafka metrics (requests, batches, lag, …) for the instance's registry. */
    public KafkaClientMetrics clientMetrics() {
        return new KafkaClientMetrics(producer);
    }
}
