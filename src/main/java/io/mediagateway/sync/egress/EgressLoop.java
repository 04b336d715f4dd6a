package io.mediagateway.sync.egress;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One egress: a consumer group of its own on {@code sync.state-deltas} ({@code read_committed}: only
 * deltas of committed transactions), handing each polled batch to a {@link DeltaSink} and committing
 * the batch's offsets only once the sink completed it. While a batch is out — an outage can keep it
 * out for minutes — the loop pauses its partitions and keeps polling, so the group does not evict it;
 * a rebalance cancels the batch and nothing of it is committed (the next owner reads it again, and
 * the sinks are idempotent). Keys and values are read as bytes, so no record can fail the consumer.
 *
 * <p>Why this file is over 300 lines: it is the consumer loop every sink shares — batches, pause and resume
 * while a sink retries, commits only of what was delivered, rebalances — and its correctness lives in how
 * those interleave.
 */
public final class EgressLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EgressLoop.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** While a batch is out: how often to look at it, and how often to poll (paused) to stay in the group. */
    private static final Duration WAIT_STEP = Duration.ofMillis(50);
    private static final Duration KEEP_ALIVE = Duration.ofMillis(500);
    private static final Duration LAG_EVERY = Duration.ofSeconds(1);

    private final String topic;
    private final DeltaSink sink;
    private final EgressMetrics metrics;
    private final Consumer<byte[], byte[]> consumer;
    private final Duration cancelWait;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Batch inFlight;
    private long lastLagNanos;

    /** A batch handed to the sink: its records' next offsets and where they started. */
    private static final class Batch {
        final Map<TopicPartition, Long> first = new HashMap<>();
        final Map<TopicPartition, Long> next = new HashMap<>();
        final AtomicBoolean cancelled = new AtomicBoolean();
        CompletableFuture<Void> done;
    }

    /**
     * @param topic      {@code sync.state-deltas} (tests use topics of their own)
     * @param groupId    the sink's own consumer group
     * @param maxBatch   most records per batch ({@code max.poll.records})
     * @param cancelWait how long a rebalance or shutdown waits for a cancelled batch to stop
     */
    public EgressLoop(String bootstrapServers, String topic, String groupId, DeltaSink sink, EgressMetrics metrics,
                      int maxBatch, Duration cancelWait) {
        this(bootstrapServers, topic, groupId, sink, metrics, maxBatch, cancelWait, null);
    }

    /** @param sessionTimeout how long the group waits for a silent member before its partitions move; null: Kafka's */
    public EgressLoop(String bootstrapServers, String topic, String groupId, DeltaSink sink, EgressMetrics metrics,
                      int maxBatch, Duration cancelWait, Duration sessionTimeout) {
        this(new KafkaConsumer<>(consumerConfig(bootstrapServers, groupId, maxBatch, sessionTimeout),
                new ByteArrayDeserializer(), new ByteArrayDeserializer()), topic, sink, metrics, cancelWait);
    }

    /**
     * A consumer's {@code session.timeout.ms} and a heartbeat a third of it (at most Kafka's 3 s), each key
     * passed through {@code prefix} (e.g. Kafka Streams' main-consumer prefix).
     */
    public static Map<String, Object> sessionTimeout(Duration timeout, java.util.function.UnaryOperator<String> prefix) {
        return Map.of(prefix.apply(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), (int) timeout.toMillis(),
                prefix.apply(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), (int) Math.min(3_000, timeout.toMillis() / 3));
    }

    EgressLoop(Consumer<byte[], byte[]> consumer, String topic, DeltaSink sink, EgressMetrics metrics,
               Duration cancelWait) {
        this.consumer = consumer;
        this.topic = topic;
        this.sink = sink;
        this.metrics = metrics;
        this.cancelWait = cancelWait;
        this.thread = new Thread(this::run, "egress-" + sink.name());
        this.thread.setDaemon(true);
    }

    static Map<String, Object> consumerConfig(String bootstrapServers, String groupId, int maxBatch, Duration sessionTimeout) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxBatch);
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        if (sessionTimeout != null) {
            c.putAll(sessionTimeout(sessionTimeout, key -> key));
        }
        return c;
    }

    public EgressLoop start() {
        thread.start();
        return this;
    }

    public String name() {
        return sink.name();
    }

    private void run() {
        log.info("Egress {} started on {} (group {})", sink.name(), topic, consumer.groupMetadata().groupId());
        try {
            consumer.subscribe(List.of(topic), new Rebalance());
            while (running.get()) {
                try {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                    refreshLag();
                    if (!records.isEmpty()) {
                        deliver(records);
                    }
                } catch (WakeupException e) {
                    // close() asked us to stop
                } catch (KafkaException e) {
                    // The consumer survives most errors (a broker away, a coordinator moving): say so and go on.
                    log.warn("Egress {}: Kafka error, retrying in 1 s: {}", sink.name(), e.toString());
                    sleep(1_000);
                }
            }
        } catch (RuntimeException e) {
            log.error("Egress {} stopped on an unexpected error", sink.name(), e);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.debug("Closing the {} consumer", sink.name(), e);
            }
            log.info("Egress {} stopped", sink.name());
        }
    }

    private void deliver(ConsumerRecords<byte[], byte[]> records) {
        List<ConsumerRecord<byte[], byte[]>> list = new ArrayList<>(records.count());
        Batch batch = new Batch();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            list.add(r);
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            batch.first.putIfAbsent(tp, r.offset());
            batch.next.put(tp, r.offset() + 1);
        }
        long start = System.nanoTime();
        inFlight = batch;
        Set<TopicPartition> paused = new HashSet<>(consumer.assignment());
        consumer.pause(paused);
        try {
            try {
                batch.done = sink.deliver(list, batch.cancelled::get);
            } catch (RuntimeException e) {
                batch.done = CompletableFuture.failedFuture(e); // read again below, like any failed batch
            }
            long lastPoll = System.nanoTime();
            while (!batch.done.isDone()) {
                if (!running.get()) {
                    cancel(batch);
                    return;
                }
                try {
                    batch.done.get(WAIT_STEP.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException | ExecutionException e) {
                    // not done yet, or done badly: looked at below
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancel(batch);
                    return;
                }
                if (!batch.done.isDone() && System.nanoTime() - lastPoll >= KEEP_ALIVE.toNanos()) {
                    // Paused: returns at once with nothing, keeps this member in the group during a long outage.
                    try {
                        consumer.poll(Duration.ZERO);
                    } catch (WakeupException e) {
                        // close(): the next turn cancels the batch
                    }
                    lastPoll = System.nanoTime();
                    refreshLag();
                }
            }
        } finally {
            inFlight = null;
            consumer.resume(consumer.assignment());
        }
        if (batch.done.isCompletedExceptionally()) {
            Throwable cause = causeOf(batch.done);
            if (!(cause instanceof DeltaSink.Cancelled)) {
                log.error("Egress {}: a batch failed; reading it again", sink.name(), cause);
                sleep(1_000);
            }
            rewind(batch);
            return;
        }
        metrics.batch(Duration.ofNanos(System.nanoTime() - start));
        commit(batch, consumer.assignment());
    }

    private void commit(Batch batch, Collection<TopicPartition> owned) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        batch.next.forEach((tp, next) -> {
            if (owned.contains(tp)) {
                offsets.put(tp, new OffsetAndMetadata(next));
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets);
        } catch (KafkaException e) {
            // Delivered but not committed: a new owner delivers these again, which the sinks absorb.
            log.warn("Egress {}: could not commit offsets {}: {}", sink.name(), offsets, e.toString());
        }
    }

    /** Reads a batch that did not complete again, on the partitions this member still owns. */
    private void rewind(Batch batch) {
        Set<TopicPartition> owned = consumer.assignment();
        batch.first.forEach((tp, offset) -> {
            if (owned.contains(tp)) {
                consumer.seek(tp, offset);
            }
        });
    }

    private void cancel(Batch batch) {
        batch.cancelled.set(true);
        try {
            batch.done.get(cancelWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // cancelled, as asked
        } catch (TimeoutException e) {
            log.warn("Egress {}: a cancelled batch did not stop within {} ms", sink.name(), cancelWait.toMillis());
        }
    }

    /**
     * Records on the assigned partitions not yet delivered: from the end of each partition (its last
     * stable offset, as this consumer reads committed data) back to the batch in flight, or to the
     * consumer's position. End offsets are asked of the broker at most once a second; paused
     * partitions are not fetched, so the consumer's own lag figures would stall during an outage.
     */
    private void refreshLag() {
        long now = System.nanoTime();
        if (now - lastLagNanos < LAG_EVERY.toNanos()) {
            return;
        }
        lastLagNanos = now;
        Set<TopicPartition> owned = consumer.assignment();
        if (owned.isEmpty()) {
            metrics.lag(0);
            return;
        }
        try {
            Map<TopicPartition, Long> end = consumer.endOffsets(owned, Duration.ofSeconds(5));
            Batch batch = inFlight;
            long total = 0;
            for (TopicPartition tp : owned) {
                Long first = batch == null ? null : batch.first.get(tp);
                long delivered = first != null ? first : consumer.position(tp, Duration.ofSeconds(5));
                total += Math.max(0, end.getOrDefault(tp, delivered) - delivered);
            }
            metrics.lag(total);
        } catch (KafkaException e) {
            log.debug("Egress {}: lag not refreshed: {}", sink.name(), e.toString());
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Batch batch = inFlight;
            if (batch == null || partitions.stream().noneMatch(batch.next::containsKey)) {
                return;
            }
            log.info("Egress {}: partitions {} revoked while a batch is out; finishing or cancelling it",
                    sink.name(), partitions);
            cancel(batch);
            if (batch.done.isDone() && !batch.done.isCompletedExceptionally()) {
                commit(batch, partitions);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            Batch batch = inFlight;
            if (batch != null) {
                cancel(batch);
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Map<TopicPartition, Long> start = sink.startingOffsets(partitions);
            start.forEach(consumer::seek);
            log.info("Egress {}: assigned {}{}", sink.name(), partitions,
                    start.isEmpty() ? "" : ", starting at the sink's stored offsets " + start);
            if (inFlight != null) {
                consumer.pause(partitions);
            }
        }
    }

    private static Throwable causeOf(CompletableFuture<Void> future) {
        try {
            future.join();
            return null;
        } catch (RuntimeException e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        consumer.wakeup();
        thread.join(cancelWait.toMillis() + 10_000);
        sink.close();
    }

    /** This client's Kafka metrics (requests, batches, lag, …) for the instance's registry. */
    public KafkaClientMetrics clientMetrics() {
        return new KafkaClientMetrics(consumer);
    }
}
