package io.mediagateway.sync.app;

import io.mediagateway.sync.codec.BroadcastViews;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.ingest.BroadcastParser;
import io.mediagateway.sync.ingest.RejectedException;
import io.mediagateway.sync.model.Broadcast;
import io.mediagateway.sync.model.BroadcastChannel;
import io.mediagateway.sync.model.BroadcastHistory;
import io.mediagateway.sync.topics.Regions;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.web.WsSessions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broadcasts on this instance (contract §14). Every instance reads every partition of {@code sync.broadcasts} and
 * {@code sync.analytics.trending} ({@code read_committed}, no consumer group: any instance's sessions may follow any
 * channel), from the oldest record kept: what came before it started only fills each channel's history
 * ({@link BroadcastHistory}, served by {@code GET /api/v1/broadcasts/{channel}}); what comes after is also pushed to
 * the WebSocket sessions that follow the channel, each queueing on its own, so this loop never waits on a client.
 *
 * <p>{@code global.trending}: every change of the live analytics application's list is pushed to the sessions (the
 * WebSocket stays live), and the channel's history keeps the newest list of each {@code SYNC_TRENDING_PUBLISH_INTERVAL_MS}
 * of the lists' record times (PubNub gets one per interval of wall-clock time). A record that is not a broadcast is
 * skipped here (the topology dead-letters it, once).
 */
final class BroadcastFanout implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BroadcastFanout.class);
    private static final BroadcastChannel TRENDING = BroadcastChannel.parse(BroadcastChannel.TRENDING).orElseThrow();
    /** Channels whose history is kept, at most (each at most BroadcastHistory.MAX_CHARS): memory stays bounded. */
    static final int MAX_CHANNELS = 1_000;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final WsSessions sessions;
    private final String trendingApplicationId;
    private final long trendingIntervalMs;
    private final LongSupplier wallClockMs;
    private final BroadcastParser parser = new BroadcastParser();
    private final Map<String, BroadcastHistory> histories = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> liveFrom = new HashMap<>();
    private final Regions regions;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Counter delivered;
    private final Counter skipped;
    private boolean fullLogged;

    BroadcastFanout(String bootstrapServers, WsSessions sessions, String trendingApplicationId, Duration trendingInterval,
                    LongSupplier wallClockMs, MeterRegistry registry) {
        this(bootstrapServers, sessions, trendingApplicationId, trendingInterval, wallClockMs, registry, Regions.NONE);
    }

    /**
     * With peer regions (contract §16), the broadcasts posted in every region: this region's {@code sync.broadcasts}
     * and each peer's remote copy ({@code eu.sync.broadcasts}), a remote message's cursor prefixed with its region
     * ({@code eu.3-120}) so that cursors never meet. Only the region a broadcast was posted in publishes it to PubNub.
     */
    BroadcastFanout(String bootstrapServers, WsSessions sessions, String trendingApplicationId, Duration trendingInterval,
                    LongSupplier wallClockMs, MeterRegistry registry, Regions regions) {
        this.regions = regions;
        this.sessions = sessions;
        this.trendingApplicationId = trendingApplicationId;
        this.trendingIntervalMs = trendingInterval.toMillis();
        this.wallClockMs = wallClockMs;
        this.delivered = Counter.builder("sync.broadcasts.delivered")
                .description("broadcast messages queued to WebSocket sessions on this instance").register(registry);
        this.skipped = Counter.builder("sync.broadcasts.skipped")
                .description("records of sync.broadcasts that are not broadcasts (dead-lettered by the topology)")
                .register(registry);
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10,
                ConsumerConfig.CLIENT_ID_CONFIG, "media-gateway-sync-broadcasts"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        List<String> topics = new ArrayList<>(regions.inputs(Topics.BROADCASTS.name()));
        topics.add(Topics.TRENDING.name());
        for (String topic : topics) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        liveFrom.putAll(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
        thread = new Thread(this::run, "broadcast-fanout");
        thread.setDaemon(true);
    }

    /**
     * Starts reading. Separate from the constructor so the client's metrics are bound before it fetches anything:
     * Micrometer names a Kafka metric by the tags of the first client it sees, and a consumer that has fetched
     * already has per-topic metrics whose extra tag would hide the other clients' (the sinks') from /metrics.
     */
    BroadcastFanout start() {
        thread.start();
        return this;
    }

    /** What {@code channel} keeps. */
    BroadcastHistory history(BroadcastChannel channel) {
        return histories.getOrDefault(channel.name(), BroadcastHistory.empty(channel));
    }

    private void run() {
        try {
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        handle(r);
                    } catch (RuntimeException e) {
                        skipped.increment();
                        log.debug("Skipping {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("The broadcast fan-out stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> r) {
        boolean live = r.offset() >= liveFrom.getOrDefault(new TopicPartition(r.topic(), r.partition()), 0L);
        long now = wallClockMs.getAsLong();
        String local = regions.localName(r.topic());
        String cursor = (local.equals(r.topic()) ? "" : regions.originOf(r.topic()).orElseThrow() + Regions.SEPARATOR)
                + r.partition() + "-" + r.offset();
        if (r.topic().equals(Topics.TRENDING.name())) {
            if (!trendingApplicationId.equals(Json.parse(r.value()).path("application_id").asText())) {
                return; // a replay's list
            }
            BroadcastHistory.Entry entry = new BroadcastHistory.Entry(cursor, r.timestamp(), BroadcastViews.trendingUpdate(r.value()));
            BroadcastHistory history = histories.getOrDefault(TRENDING.name(), BroadcastHistory.empty(TRENDING));
            histories.put(TRENDING.name(), history.appendNewestPerInterval(entry, trendingIntervalMs, now));
            if (live) {
                delivered.increment(sessions.broadcast(TRENDING, BroadcastViews.push(TRENDING.name(), entry)));
            }
            return;
        }
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        Broadcast b;
        try {
            b = parser.parse(r.value(), key);
        } catch (RejectedException e) {
            skipped.increment();
            return;
        }
        BroadcastHistory.Entry entry = new BroadcastHistory.Entry(cursor, r.timestamp(), b.json());
        if (histories.containsKey(b.channel().name()) || histories.size() < MAX_CHANNELS) {
            histories.compute(b.channel().name(), (name, h) -> (h == null ? BroadcastHistory.empty(b.channel()) : h)
                    .append(entry, now));
        } else if (!fullLogged) {
            fullLogged = true;
            log.warn("Keeping the history of {} broadcast channels already: {} and later new ones are pushed live but "
                    + "not kept", MAX_CHANNELS, b.channel().name());
        }
        if (live) {
            delivered.increment(sessions.broadcast(b.channel(), BroadcastViews.push(b.channel().name(), entry)));
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        if (thread.isAlive()) {
            consumer.wakeup();
            thread.join(10_000);
        } else if (thread.getState() == Thread.State.NEW) {
            consumer.close(Duration.ofSeconds(5)); // never started: the loop that closes it never ran
        }
    }

    /** This client's Kafka metrics for the instance's registry. */
    KafkaClientMetrics clientMetrics() {
        return new KafkaClientMetrics(consumer);
    }
}
