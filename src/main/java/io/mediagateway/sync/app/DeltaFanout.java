package io.mediagateway.sync.app;

import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.web.WsSessions;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes committed deltas to this instance's WebSocket sessions. Every instance reads every partition
 * of {@code sync.state-deltas} ({@code read_committed}, from the end, no consumer group: a user's
 * sockets may be on any instance) and hands each delta of a connected user to its sessions as
 * {@code {"type": "<msg_type>", …delta}}. Sessions queue and send on their own, so this loop never
 * waits on a client.
 */
final class DeltaFanout implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeltaFanout.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final WsSessions sessions;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);

    DeltaFanout(String bootstrapServers, WsSessions sessions) {
        this.sessions = sessions;
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10,
                ConsumerConfig.CLIENT_ID_CONFIG, "media-gateway-sync-ws-fanout"),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.STATE_DELTAS.name(), Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        thread = new Thread(this::run, "ws-fanout");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() == null || r.value() == null || !sessions.has(r.key())) {
                        continue;
                    }
                    try {
                        sessions.deliver(r.key(), r.value());
                    } catch (RuntimeException e) {
                        log.warn("Skipping an unreadable delta at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("The WebSocket fan-out stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        consumer.wakeup();
        thread.join(10_000);
    }

    /** This client's Kafka metrics (requests, batches, lag, …) for the instance's registry. */
    public KafkaClientMetrics clientMetrics() {
        return new KafkaClientMetrics(consumer);
    }
}
