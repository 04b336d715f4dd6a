package io.mediagateway.sync.egress.pubnub;

import com.pubnub.api.PubNubException;
import com.pubnub.api.enums.PNStatusCategory;
import com.pubnub.api.java.PubNub;
import com.pubnub.api.java.callbacks.SubscribeCallback;
import com.pubnub.api.models.consumer.PNStatus;
import com.pubnub.api.models.consumer.history.PNFetchMessageItem;
import com.pubnub.api.models.consumer.pubsub.PNMessageResult;
import com.pubnub.api.retry.RetryConfiguration;
import io.mediagateway.sync.deadletter.DeadLetters;
import io.mediagateway.sync.topics.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PubNub ingress (contract §15, {@code SYNC_PUBNUB_INGRESS=on}): what devices publish on {@code user.{id}.sync}
 * and {@code user.{id}.devices} becomes records on {@code sync.device-events}, keyed by the user.
 *
 * <p>One subscriber per cluster. Every instance with ingress on joins the consumer group
 * {@code <application id>-pubnub-ingress} on the one partition of {@code sync.pubnub-ingress}; the member it is
 * assigned to subscribes. When that instance dies or stalls, the group gives the partition to another after the session
 * timeout ({@code SYNC_PUBNUB_INGRESS_TAKEOVER_MS}), and the new subscriber first fences the old one: all write with
 * one transactional id, {@code <application id>-pubnub-ingress}, so once the new one started, nothing the old one
 * still sends can commit.
 *
 * <p>No message is taken twice, none is lost. Each batch is one Kafka transaction holding the events (and dead
 * letters) the messages became and the cursors past them ({@link IngressCursors}). A new subscriber reads the
 * committed cursors, asks PubNub's history for what each channel active in the last day missed since its cursor,
 * then subscribes to {@code user.*} from the subscription's cursor (PubNub then delivers what it still holds after
 * it); a message at or below its channel's cursor is passed over. As a second guard, the PubNub timetoken is the
 * event's {@code message_id}, which the topology deduplicates.
 */
public final class PubNubIngress implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PubNubIngress.class);
    /** The subscription everything comes through. */
    static final String PATTERN = "user.*";
    /** Channels published on within this long before a takeover are asked PubNub's history for what they missed. */
    static final Duration HISTORY_WINDOW = Duration.ofDays(1);
    /** Channels quiet for this long leave the cursors (the subscription's cursor covers them). */
    static final Duration FORGET_AFTER = Duration.ofDays(7);
    private static final int HISTORY_CHANNELS_PER_CALL = 100;
    private static final int MAX_BATCH = 500;

    /** Where the ingress reads and writes; {@code takeover} is how long a silent subscriber keeps its role. */
    public record Settings(String bootstrapServers, String applicationId, Duration takeover) {
    }

    private final PubNubSink.Connection connection;
    private final Settings settings;
    private final IngressMessages messages;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final BlockingQueue<IngressMessages.Received> arrived = new LinkedBlockingQueue<>(100_000);
    private final Counter produced;
    private final Counter deadLettered;
    private final Counter passedOver;
    private final Counter takeovers;
    private volatile KafkaConsumer<String, String> consumer;
    private volatile boolean assigned;
    private Leader leader;

    public PubNubIngress(PubNubSink.Connection connection, Settings settings, MeterRegistry metrics) {
        this.connection = connection;
        this.settings = settings;
        this.messages = new IngressMessages(connection.userId(), connection.userKeys(), connection.cipherKey());
        this.produced = Counter.builder("sync.pubnub.ingress.events").description("messages devices published, produced as events")
                .register(metrics);
        this.deadLettered = Counter.builder("sync.pubnub.ingress.dead.letters")
                .description("messages devices published, dead-lettered").register(metrics);
        this.passedOver = Counter.builder("sync.pubnub.ingress.passed.over")
                .description("messages taken before (repeats) or not events (the service's own)").register(metrics);
        this.takeovers = Counter.builder("sync.pubnub.ingress.takeovers")
                .description("times this instance became the cluster's PubNub subscriber").register(metrics);
        Gauge.builder("sync.pubnub.ingress.subscriber", this, i -> i.isSubscriber() ? 1 : 0)
                .description("1 while this instance is the cluster's PubNub subscriber").register(metrics);
        this.thread = new Thread(this::run, "pubnub-ingress");
        this.thread.setDaemon(true);
    }

    public PubNubIngress start() {
        thread.start();
        return this;
    }

    /** Whether this instance subscribes for the cluster now. */
    public boolean isSubscriber() {
        return assigned;
    }

    private void run() {
        while (running.get()) {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, settings.applicationId() + "-pubnub-ingress",
                    ConsumerConfig.CLIENT_ID_CONFIG, settings.applicationId() + "-pubnub-ingress-" + ProcessHandle.current().pid(),
                    ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) settings.takeover().toMillis(),
                    ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) settings.takeover().toMillis() / 4,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    new StringDeserializer(), new StringDeserializer())) {
                consumer = c;
                c.subscribe(List.of(Topics.PUBNUB_INGRESS.name()), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        if (!partitions.isEmpty()) {
                            stepDown("the partition was reassigned");
                        }
                    }

                    @Override
                    public void onPartitionsLost(Collection<TopicPartition> partitions) {
                        stepDown("this instance left the group (silent for longer than the session timeout)");
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        assigned = !partitions.isEmpty();
                    }
                });
                while (running.get()) {
                    c.poll(Duration.ofMillis(leader == null ? 500 : 0));   // membership; the cursors are read apart
                    try {
                        if (assigned && leader == null) {
                            leader = Leader.takeOver(this);
                        }
                        if (leader != null) {
                            leader.step();
                        }
                    } catch (Fenced e) {
                        stepDown(e.getMessage());
                    }
                }
            } catch (WakeupException e) {
                // closing
            } catch (RuntimeException e) {
                log.error("PubNub ingress: unexpected error; rejoining in 5 s", e);
                stepDown("an unexpected error");
                sleep(5_000);
            } finally {
                stepDown("stopping");
            }
        }
    }

    private void stepDown(String why) {
        assigned = false;
        if (leader != null) {
            log.info("PubNub ingress: no longer the subscriber ({})", why);
            leader.close();
            leader = null;
        }
        arrived.clear();   // not committed: the next subscriber takes them from its cursors
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The subscriber's work while this instance holds the role: one transaction per batch. */
    private static final class Leader implements AutoCloseable {
        private final PubNubIngress ingress;
        private final KafkaProducer<byte[], byte[]> producer;
        private final IngressCursors cursors = new IngressCursors();
        private final PubNub pubnub;
        private final List<IngressMessages.Received> batch = new ArrayList<>();
        private final Map<String, Long> moved = new HashMap<>();
        private boolean subscriptionMoved;

        private Leader(PubNubIngress ingress, KafkaProducer<byte[], byte[]> producer, PubNub pubnub) {
            this.ingress = ingress;
            this.producer = producer;
            this.pubnub = pubnub;
        }

        static Leader takeOver(PubNubIngress ingress) {
            Settings s = ingress.settings;
            KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, s.applicationId() + "-pubnub-ingress",
                    ProducerConfig.CLIENT_ID_CONFIG, s.applicationId() + "-pubnub-ingress-producer",
                    ProducerConfig.LINGER_MS_CONFIG, 0,
                    ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000),
                    new ByteArraySerializer(), new ByteArraySerializer());
            PubNub pubnub = PubNubClients.create(ingress.connection, 4,
                    new RetryConfiguration.Exponential(2, 60, 10));
            Leader leader = new Leader(ingress, producer, pubnub);
            try {
                producer.initTransactions();   // fences the previous subscriber; its open transaction is aborted
                leader.loadCursors();
                ingress.takeovers.increment();
                leader.forgetQuietChannels();
                leader.catchUpFromHistory();
                leader.subscribe();
                return leader;
            } catch (RuntimeException e) {
                leader.close();
                throw e;
            }
        }

        private void loadCursors() {
            Settings s = ingress.settings;
            TopicPartition partition = new TopicPartition(Topics.PUBNUB_INGRESS.name(), 0);
            try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers(),
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.CLIENT_ID_CONFIG, s.applicationId() + "-pubnub-ingress-cursors"),
                    new StringDeserializer(), new StringDeserializer())) {
                reader.assign(List.of(partition));
                reader.seekToBeginning(List.of(partition));
                long end = reader.endOffsets(List.of(partition)).get(partition);
                while (reader.position(partition) < end) {
                    for (ConsumerRecord<String, String> r : reader.poll(Duration.ofMillis(500))) {
                        cursors.load(r.key(), r.value());
                    }
                }
            }
            log.info("PubNub ingress: this instance subscribes for the cluster; {} channel cursors, resuming after "
                    + "timetoken {}", cursors.size(), cursors.subscription() == 0 ? "none (from now)" : cursors.subscription());
        }

        /** Drops the cursors of channels quiet for a week (tombstones, so the topic forgets them too). */
        private void forgetQuietChannels() {
            long before = (System.currentTimeMillis() - FORGET_AFTER.toMillis()) * 10_000L;
            List<String> quiet = cursors.forgetQuietBefore(Math.min(before, cursors.subscription()));
            if (quiet.isEmpty()) {
                return;
            }
            producer.beginTransaction();
            for (String channel : quiet) {
                producer.send(new ProducerRecord<>(Topics.PUBNUB_INGRESS.name(), bytes(channel), null));
            }
            producer.commitTransaction();
        }

        /** What channels active in the last day missed since their cursors, from PubNub's history, oldest first. */
        private void catchUpFromHistory() {
            if (cursors.subscription() == 0) {
                return;
            }
            long since = Math.min(cursors.subscription(), (System.currentTimeMillis() - HISTORY_WINDOW.toMillis()) * 10_000L);
            List<String> channels = cursors.activeSince(since);
            int taken = 0;
            for (int i = 0; i < channels.size(); i += HISTORY_CHANNELS_PER_CALL) {
                List<String> group = channels.subList(i, Math.min(channels.size(), i + HISTORY_CHANNELS_PER_CALL));
                long from = group.stream().mapToLong(cursors::channel).min().orElseThrow();
                taken += fetch(group, from, group.size() == 1 ? 100 : 25);
            }
            if (!channels.isEmpty()) {
                log.info("PubNub ingress: history of {} channels gave {} messages", channels.size(), taken);
            }
        }

        /**
         * Takes the channels' messages after {@code afterTimetoken}. PubNub answers the newest of a range first (25 a
         * channel when asking for several), so a channel whose page is full is paged back, alone, to its own cursor;
         * each channel's messages then go oldest first, as its cursor requires.
         */
        private int fetch(List<String> channels, long afterTimetoken, int max) {
            int taken = 0;
            for (Map.Entry<String, List<PNFetchMessageItem>> e : history(channels, null, afterTimetoken, max).entrySet()) {
                List<PNFetchMessageItem> items = new ArrayList<>(e.getValue());
                long cursor = cursors.channel(e.getKey());
                while (e.getValue().size() >= max && !items.isEmpty() && items.get(0).getTimetoken() > cursor + 1) {
                    List<PNFetchMessageItem> older = history(List.of(e.getKey()), items.get(0).getTimetoken(), cursor, 100)
                            .getOrDefault(e.getKey(), List.of());
                    items.addAll(0, older);
                    if (older.size() < 100) {
                        break;
                    }
                }
                for (PNFetchMessageItem item : items) {
                    batch.add(new IngressMessages.Received(e.getKey(), item.getUuid(), item.getTimetoken(),
                            item.getMessage().toString()));
                }
                taken += items.size();
            }
            commitBatch(false);   // each channel's messages lie together, oldest first
            return taken;
        }

        /** One history request: messages before {@code beforeTimetoken} (null: now) and after {@code afterTimetoken}. */
        private Map<String, List<PNFetchMessageItem>> history(List<String> channels, Long beforeTimetoken,
                                                              long afterTimetoken, int max) {
            try {
                var request = pubnub.fetchMessages().channels(channels).maximumPerChannel(max).end(afterTimetoken + 1)
                        .includeUUID(true).includeMeta(false);
                if (beforeTimetoken != null) {
                    request = request.start(beforeTimetoken);
                }
                return request.sync().getChannels();
            } catch (PubNubException e) {
                throw new IllegalStateException("PubNub's history did not answer (HTTP " + e.getStatusCode() + "): "
                        + e.getErrorMessage(), e);
            }
        }

        private void subscribe() {
            pubnub.addListener(new SubscribeCallback() {
                @Override
                public void status(PubNub p, PNStatus status) {
                    if (status.getCategory() == PNStatusCategory.PNUnexpectedDisconnectCategory
                            || status.getCategory() == PNStatusCategory.PNConnectionError) {
                        log.warn("PubNub ingress: the subscription failed ({}); reconnecting in 5 s", status.getCategory());
                        new Thread(() -> {
                            sleep(5_000);
                            p.reconnect();
                        }, "pubnub-ingress-reconnect").start();
                    }
                }

                @Override
                public void message(PubNub p, PNMessageResult m) {
                    IngressMessages.Received r = new IngressMessages.Received(m.getChannel(), m.getPublisher(),
                            m.getTimetoken(), m.getMessage().toString());
                    try {
                        ingress.arrived.put(r);   // back-pressure: the SDK's thread waits while the queue is full
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            var subscribe = pubnub.subscribe().channels(List.of(PATTERN));
            if (cursors.subscription() != 0) {
                subscribe = subscribe.withTimetoken(cursors.subscription());
            }
            subscribe.execute();
        }

        /** Takes what arrived (waiting a little for the first) and commits it as one transaction. */
        void step() {
            try {
                IngressMessages.Received first = ingress.arrived.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    return;
                }
                batch.add(first);
                ingress.arrived.drainTo(batch, MAX_BATCH - 1);
                commitBatch(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The batch, and the cursors past it, in one transaction; the batch stays for a retry if it did not commit. */
        private void commitBatch(boolean fromSubscription) {
            if (batch.isEmpty()) {
                return;
            }
            for (int attempt = 0; ; attempt++) {
                try {
                    producer.beginTransaction();
                    int events = 0;
                    int rejected = 0;
                    int over = 0;
                    for (IngressMessages.Received m : batch) {
                        if (!cursors.isNew(m.channel(), m.timetoken())) {
                            over++;
                            continue;
                        }
                        IngressMessages.Outcome outcome = ingress.messages.read(m);
                        if (outcome instanceof IngressMessages.Event e) {
                            producer.send(new ProducerRecord<>(Topics.DEVICE_EVENTS.name(), null, m.epochMs(),
                                    bytes(e.userId()), e.record()));
                            events++;
                        } else if (outcome instanceof IngressMessages.Rejected r) {
                            log.warn("PubNub ingress: a message on {} at timetoken {} to the dead-letter topic ({}): {}",
                                    m.channel(), m.timetoken(), r.reason().code(), r.why());
                            producer.send(DeadLetters.record(bytes(r.userId()), bytes(m.json()), m.epochMs(), null,
                                    r.reason(), r.why(), new DeadLetters.Origin(m.channel(), -1, m.timetoken())));
                            rejected++;
                        } else {
                            over++;
                        }
                        cursors.taken(m.channel(), m.timetoken(), fromSubscription);
                        moved.put(m.channel(), m.timetoken());
                        subscriptionMoved |= fromSubscription;
                    }
                    moved.forEach((channel, tt) -> producer.send(new ProducerRecord<>(Topics.PUBNUB_INGRESS.name(),
                            bytes(channel), bytes(Long.toString(tt)))));
                    if (subscriptionMoved) {
                        producer.send(new ProducerRecord<>(Topics.PUBNUB_INGRESS.name(), bytes(IngressCursors.SUBSCRIPTION),
                                bytes(Long.toString(cursors.subscription()))));
                    }
                    producer.commitTransaction();
                    ingress.produced.increment(events);
                    ingress.deadLettered.increment(rejected);
                    ingress.passedOver.increment(over);
                    batch.clear();
                    moved.clear();
                    subscriptionMoved = false;
                    return;
                } catch (ProducerFencedException | InvalidProducerEpochException e) {
                    throw new Fenced(e);
                } catch (KafkaException e) {
                    log.warn("PubNub ingress: a transaction did not commit (attempt {}): {}", attempt + 1, e.getMessage());
                    try {
                        producer.abortTransaction();
                    } catch (KafkaException abort) {
                        throw new Fenced(abort);
                    }
                    reloadCursorsAfterAbort();
                    sleep(Math.min(5_000, 100L << Math.min(attempt, 6)));
                }
            }
        }

        /** The aborted batch moved the cursors in memory only: put back what the topic holds. */
        private void reloadCursorsAfterAbort() {
            cursors.clear();
            loadCursors();
            moved.clear();
            subscriptionMoved = false;
        }

        @Override
        public void close() {
            try {
                pubnub.unsubscribeAll();
                pubnub.forceDestroy();
            } catch (RuntimeException e) {
                log.debug("PubNub ingress: closing the subscription", e);
            }
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** Another subscriber took over: this one's transactions can no longer commit. */
    private static final class Fenced extends RuntimeException {
        Fenced(Throwable cause) {
            super("another instance took over the PubNub subscription", cause);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        running.set(false);
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
