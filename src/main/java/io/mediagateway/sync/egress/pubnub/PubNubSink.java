package io.mediagateway.sync.egress.pubnub;

import com.fasterxml.jackson.databind.JsonNode;
import com.pubnub.api.PubNubException;
import com.pubnub.api.crypto.CryptoModule;
import com.pubnub.api.java.PubNub;
import com.pubnub.api.v2.callbacks.Result;
import io.mediagateway.sync.codec.BroadcastViews;
import io.mediagateway.sync.codec.DeltaCodec;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.deadletter.DeadLetterWriter;
import io.mediagateway.sync.deadletter.RejectReason;
import io.mediagateway.sync.egress.Backoff;
import io.mediagateway.sync.egress.DeltaSink;
import io.mediagateway.sync.egress.EgressMetrics;
import io.mediagateway.sync.ingest.BroadcastParser;
import io.mediagateway.sync.ingest.RejectedException;
import io.mediagateway.sync.model.Broadcast;
import io.mediagateway.sync.model.Delta;
import io.mediagateway.sync.model.PubNubAccess;
import io.mediagateway.sync.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PubNub egress (contract §8): each delta is published, as it is on the topic, to
 * {@code user.{id}.sync} (watchlist, progress, preferences) or {@code user.{id}.devices} (devices,
 * commands), with {@code {"delta_id": …}} as {@code meta} so subscribers can drop repeats.
 *
 * <p>A batch is split by user: each user's deltas are published one after the other (the next only
 * once PubNub accepted the previous, so their order holds through retries), while up to
 * {@code concurrency} users are published at once with the SDK's asynchronous calls. Network errors
 * (status 0), 5xx, 408 and 429 are retried with backoff and jitter, never sooner than a 429's
 * {@code Retry-After}; other 4xx, and messages over PubNub's 32 KiB limit, go to the dead-letter topic.
 * Errors are classified by HTTP status, not by the SDK's categories, which name timeouts and refused
 * connections misleadingly. The batch completes only when every delta is accepted or dead-lettered.
 *
 * <p>Encryption (contract §15): with per-user keys a message on a user's channel is encrypted with that user's key,
 * any other with {@code PUBNUB_CIPHER_KEY}; without them every message with {@code PUBNUB_CIPHER_KEY}, if set.
 *
 * <p>Why this file is over 300 lines: it is the PubNub SDK's asynchronous publishing with per-user order,
 * classified retries (network, 5xx, 429 with Retry-After) and dead letters — one state machine, whose parts
 * only make sense together.
 */
public final class PubNubSink implements DeltaSink {
    private static final Logger log = LoggerFactory.getLogger(PubNubSink.class);
    /** PubNub refuses messages (with their channel and meta) above 32 KiB. */
    public static final int MAX_MESSAGE_BYTES = 32 * 1024;
    private static final long LOG_EVERY_MS = 30_000;

    /**
     * Where and how to publish; {@code cipherKey} encrypts messages with the SDK's AES-CBC crypto module, and
     * {@code userKeys}, when set, encrypts those on a user's channels with that user's own key instead (contract §15).
     */
    public record Connection(String publishKey, String subscribeKey, Optional<String> secretKey, Optional<String> origin,
                             boolean secure, Optional<String> cipherKey, String userId, Optional<UserCipherKeys> userKeys) {
        public Connection(String publishKey, String subscribeKey, Optional<String> secretKey, Optional<String> origin,
                          boolean secure, Optional<String> cipherKey, String userId) {
            this(publishKey, subscribeKey, secretKey, origin, secure, cipherKey, userId, Optional.empty());
        }
    }

    /**
     * Where a record goes: its ordering key (records of one key are published one after the other), its
     * channel and its {@code meta}; null when this sink does not publish it. Throws a
     * {@link RuntimeException} for a record it cannot read (dead-lettered as {@code invalid_delta}).
     */
    @FunctionalInterface
    public interface Router {
        Route route(ConsumerRecord<byte[], byte[]> record);

        /**
         * Whether only the newest message of each ordering key in a batch is worth publishing (a state that
         * replaces the previous one, like the trending list): the older ones are passed over. A backlog
         * (a first start, a long outage) then publishes one message per batch, not every list it missed.
         */
        default boolean latestOnly() {
            return false;
        }

        /**
         * The least wall-clock time between two messages of one ordering key (zero: none). A message that comes
         * sooner is held, replacing any held before it, and published once the interval has passed since the
         * previous one: the newest state always reaches PubNub, at most once per interval.
         */
        default Duration minInterval() {
            return Duration.ZERO;
        }
    }

    /**
     * The address of one message and the message's JSON; {@code keyOwner} is the user whose own key encrypts it
     * when messages are encrypted per user (null: the channel's users share {@code PUBNUB_CIPHER_KEY}).
     */
    public record Route(String orderKey, String channel, Map<String, String> meta, byte[] json, String keyOwner,
                        List<String> eraseHistory) {
        public Route(String orderKey, String channel, Map<String, String> meta, byte[] json, String keyOwner) {
            this(orderKey, channel, meta, json, keyOwner, List.of());
        }
    }

    /**
     * Deltas (contract §8), read by the one codec of deltas: per user, to the channel the delta type names
     * ({@link Delta#channel()}), meta {@code delta_id}. A notification that expired while it waited is not
     * published (contract §14).
     */
    public static final Router DELTAS = deltas(Optional.empty());

    /**
     * The deltas of {@link #DELTAS} in region {@code region} (contract §16): every region makes its own deltas of every
     * region's events, and PubNub is one for all of them, so a region publishes only the deltas whose input was written
     * in it (header {@code sync.region}; a device's timeout names the region of its last presence event), and those
     * without the header (written before regions were configured).
     */
    public static Router deltas(Optional<String> region) {
        byte[] own = region.map(r -> r.getBytes(StandardCharsets.UTF_8)).orElse(null);
        return r -> {
            if (own != null) {
                Header origin = r.headers().lastHeader(Topics.REGION_HEADER);
                if (origin != null && !Arrays.equals(own, origin.value())) {
                    return null;
                }
            }
            byte[] record = r.value();
            Delta delta = DeltaCodec.decode(record);
            if (delta instanceof Delta.NotificationShown n && n.notification().expiredAt(System.currentTimeMillis())) {
                return null;
            }
            // An erasure (contract §16) first deletes what PubNub's history keeps of the user's channels, then is published.
            List<String> erase = delta instanceof Delta.UserErased
                    ? Arrays.stream(PubNubAccess.UserChannelKind.values()).map(k -> k.channel(delta.userId())).toList()
                    : List.of();
            return new Route(delta.userId(), delta.channel(), Map.of("delta_id", delta.deltaId()), record, delta.userId(), erase);
        };
    }

    /** The channel of the trending list. */
    public static final String TRENDING_CHANNEL = "global.trending";

    /**
     * Broadcasts (contract §14) to the channel they name, meta {@code msg_type}, in order per channel. A record that
     * is not a broadcast is passed over: the topology dead-letters it.
     */
    public static final Router BROADCASTS = r -> {
        Broadcast b;
        try {
            b = new BroadcastParser().parse(r.value(), r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8));
        } catch (RejectedException e) {
            return null;
        }
        return new Route(b.channel().name(), b.channel().name(), Map.of("msg_type", b.msgType()), b.json().getBytes(StandardCharsets.UTF_8), null);
    };

    /**
     * Trending lists of the analytics application {@code applicationId} (not those of its replays) to
     * {@value #TRENDING_CHANNEL} as the specification shapes them ({@code trending_update}, the top 100, meta
     * {@code application_id} and {@code window_end}), at most once per {@code interval} of wall-clock time (a changed
     * list can come every second; PubNub charges each message to every subscriber): a list that comes sooner waits
     * for the interval's end, replaced by any newer one, so the newest list is always published. After a restart the
     * first list is published at once; a list still waiting when the process stops is not (the next one is).
     */
    public static Router trending(String applicationId, Duration interval) {
        return new Router() {
            @Override
            public Route route(ConsumerRecord<byte[], byte[]> r) {
                byte[] record = r.value();
                JsonNode list = Json.parse(record);
                String app = list.get("application_id").asText();
                if (!app.equals(applicationId)) {
                    return null;
                }
                String update = BroadcastViews.trendingUpdate(record);
                return new Route(TRENDING_CHANNEL, TRENDING_CHANNEL, Map.of("application_id", app,
                        "window_end", list.get("window_end").asText()), update.getBytes(StandardCharsets.UTF_8), null);
            }

            @Override
            public boolean latestOnly() {
                return true;
            }

            @Override
            public Duration minInterval() {
                return interval;
            }
        };
    }

    private final String name;
    private final Router router;
    private final PubNub pubnub;
    private final CryptoModule crypto;
    private final Optional<UserCipherKeys> userKeys;
    private final DeadLetterWriter deadLetters;
    private final EgressMetrics metrics;
    private final Backoff backoff;
    private final int concurrency;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(daemon("egress-pubnub-retry"));
    private final ExecutorService blocking = Executors.newSingleThreadExecutor(daemon("egress-pubnub-dead-letters"));
    private volatile long lastOutageLogMs;
    /** Per ordering key, with {@link Router#minInterval()}: when its last message was sent, and the one held back. */
    private final Map<String, Long> lastSentMs = new java.util.HashMap<>();
    private final Map<String, Message> held = new java.util.HashMap<>();
    private volatile boolean closed;

    /** The delta egress of contract §8. */
    public PubNubSink(Connection connection, DeadLetterWriter deadLetters, EgressMetrics metrics, Backoff backoff,
                      int concurrency) {
        this("pubnub", DELTAS, connection, deadLetters, metrics, backoff, concurrency);
    }

    /** A sink named {@code name} (metric tags, consumer group) publishing what {@code router} addresses. */
    public PubNubSink(String name, Router router, Connection connection, DeadLetterWriter deadLetters,
                      EgressMetrics metrics, Backoff backoff, int concurrency) {
        this.name = name;
        this.router = router;
        this.crypto = connection.cipherKey().map(PubNubSink::cryptoModule).orElse(null);
        this.userKeys = connection.userKeys();
        this.pubnub = PubNubClients.create(connection, concurrency);
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.backoff = backoff;
        this.concurrency = concurrency;
    }

    /** The SDK's recommended AES-CBC module (random IVs), which also reads the legacy format. */
    public static CryptoModule cryptoModule(String cipherKey) {
        return CryptoModule.createAesCbcCryptoModule(cipherKey, false);
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * The message as the SDK takes it. Encrypted, it is what the SDK itself publishes with a crypto module: the
     * base64 of the JSON's encryption, as a JSON string; the SDK's client is given no crypto module, since one key
     * for the client cannot serve per-user keys. Plain, it is the JSON as plain maps (in the tree's order), lists
     * and values, which the SDK writes out as they are.
     */
    private Object body(Route route) {
        if (route.keyOwner() != null && userKeys.isPresent()) {
            return userKeys.get().encrypt(route.keyOwner(), route.json());
        }
        if (crypto != null) {
            return Base64.getEncoder().encodeToString(crypto.encrypt(route.json()));
        }
        return Json.mapper().convertValue(Json.parse(route.json()), Object.class);
    }

    /** One message ready to publish, or with the reason it cannot be, or ({@code channel} null, no reason) to skip. */
    private record Message(ConsumerRecord<byte[], byte[]> record, String user, String channel, Object body,
                           Map<String, String> meta, RejectReason refused, String why, List<String> eraseHistory,
                           AtomicBoolean historyErased) {
        Message(ConsumerRecord<byte[], byte[]> record, String user, String channel, Object body, Map<String, String> meta,
                RejectReason refused, String why) {
            this(record, user, channel, body, meta, refused, why, List.of(), new AtomicBoolean());
        }

        boolean skipped() {
            return channel == null && refused == null;
        }

        /** Whether PubNub's history of channels must be deleted before this message is published. */
        boolean erasesFirst() {
            return !eraseHistory.isEmpty() && !historyErased.get();
        }
    }

    @Override
    public CompletableFuture<Void> deliver(List<ConsumerRecord<byte[], byte[]>> batch, BooleanSupplier cancelled) {
        Map<String, ArrayDeque<Message>> byUser = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            Message m = message(r);
            ArrayDeque<Message> chain = byUser.computeIfAbsent(m.user(), u -> new ArrayDeque<>());
            if (router.latestOnly() && m.refused() == null && m.channel() != null) {
                chain.removeIf(older -> older.refused() == null);   // a newer state replaces it
            }
            chain.add(m);
        }
        if (!router.minInterval().isZero()) {
            byUser.values().forEach(chain -> chain.removeIf(this::holdUntilDue));
        }
        return new Run(new ArrayDeque<>(byUser.values()), cancelled).start();
    }

    /**
     * Whether {@code m} comes within {@link Router#minInterval()} of the previous message of its key: it is then held
     * (replacing the one held before) and published when the interval is over; otherwise it is sent now.
     */
    private boolean holdUntilDue(Message m) {
        if (m.refused() != null || m.channel() == null) {
            return false;
        }
        long now = System.currentTimeMillis();
        synchronized (held) {
            Long last = lastSentMs.get(m.user());
            long dueAt = last == null ? now : last + router.minInterval().toMillis();
            if (dueAt <= now) {
                lastSentMs.put(m.user(), now);
                held.remove(m.user());
                return false;
            }
            if (held.put(m.user(), m) == null) {
                scheduler.schedule(() -> sendHeld(m.user()), dueAt - now, TimeUnit.MILLISECONDS);
            }
            return true;
        }
    }

    /** The interval since the key's last message is over: its held message is published (retried like any other). */
    private void sendHeld(String key) {
        Message m;
        synchronized (held) {
            m = held.remove(key);
            if (m == null) {
                return;
            }
            lastSentMs.put(key, System.currentTimeMillis());
        }
        ArrayDeque<ArrayDeque<Message>> chains = new ArrayDeque<>();
        chains.add(new ArrayDeque<>(List.of(m)));
        new Run(chains, () -> closed).start().whenComplete((done, e) -> {
            if (e != null && !closed) {
                log.warn("PubNub sink {}: a held message to {} was not published: {}", name, m.channel(), e.toString());
            }
        });
    }

    private Message message(ConsumerRecord<byte[], byte[]> r) {
        String fallbackKey = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
        Route route;
        try {
            route = router.route(r);
        } catch (RuntimeException e) {
            return new Message(r, fallbackKey, null, null, null, RejectReason.INVALID_DELTA,
                    "not a message this sink publishes (a delta needs msg_type, user_id, delta_id): " + e.getMessage());
        }
        if (route == null) {
            return new Message(r, fallbackKey, null, null, null, null, null);
        }
        Object body = body(route);
        int size = publishedSize(route.json(), body, route.channel(), route.meta());
        if (size > MAX_MESSAGE_BYTES) {
            return new Message(r, route.orderKey(), route.channel(), body, route.meta(), RejectReason.OVERSIZED,
                    "the PubNub message would be " + size + " bytes; PubNub refuses more than " + MAX_MESSAGE_BYTES);
        }
        return new Message(r, route.orderKey(), route.channel(), body, route.meta(), null, null, route.eraseHistory(),
                new AtomicBoolean());
    }

    /** The bytes PubNub counts: the message as sent (encrypted: base64, quoted), channel and meta. */
    private static int publishedSize(byte[] json, Object body, String channel, Map<String, String> meta) {
        int message = body instanceof String encrypted ? encrypted.length() + 2 : json.length;
        int metaBytes = 2;
        for (Map.Entry<String, String> e : meta.entrySet()) {
            metaBytes += e.getKey().length() + e.getValue().length() + 6;
        }
        return message + channel.length() + metaBytes;
    }

    /**
     * One batch in flight: a queue of per-user chains, at most {@code concurrency} running. A chain
     * publishes its next delta only once the previous one is accepted or dead-lettered.
     */
    private final class Run {
        private final ArrayDeque<ArrayDeque<Message>> waiting;
        private final BooleanSupplier cancelled;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private int running;

        Run(ArrayDeque<ArrayDeque<Message>> chains, BooleanSupplier cancelled) {
            this.waiting = chains;
            this.cancelled = cancelled;
        }

        CompletableFuture<Void> start() {
            startChains();
            return done;
        }

        /** Starts waiting chains up to the concurrency limit; completes the batch when nothing is left. */
        private void startChains() {
            while (true) {
                ArrayDeque<Message> chain;
                synchronized (this) {
                    if (done.isDone()) {
                        return;
                    }
                    boolean stop = cancelled.getAsBoolean();
                    if (running == 0 && (stop || waiting.isEmpty())) {
                        if (stop) {
                            done.completeExceptionally(new Cancelled());
                        } else {
                            done.complete(null);
                        }
                        return;
                    }
                    if (stop || waiting.isEmpty() || running >= concurrency) {
                        return;
                    }
                    chain = waiting.poll();
                    running++;
                }
                step(chain, 0);
            }
        }

        private void chainEnded() {
            synchronized (this) {
                running--;
            }
            startChains();
        }

        /** Publishes the chain's next delta ({@code attempt} = retries so far). */
        private void step(ArrayDeque<Message> chain, int attempt) {
            try {
                Message m = chain.peek();
                if (m == null || cancelled.getAsBoolean()) {
                    chainEnded();
                    return;
                }
                if (m.skipped()) {
                    chain.poll();
                    step(chain, 0);
                    return;
                }
                if (m.refused() != null) {
                    blocking.execute(() -> deadLetterThenNext(chain, m, m.refused(), m.why()));
                    return;
                }
                if (m.erasesFirst()) {
                    pubnub.deleteMessages().channels(m.eraseHistory())
                            .async(result -> published(chain, m, attempt, result, true));
                    return;
                }
                pubnub.publish(m.body(), m.channel()).meta(m.meta()).usePOST(true)
                        .async(result -> published(chain, m, attempt, result, false));
            } catch (RuntimeException e) {
                log.error("PubNub sink: unexpected error; the batch will be read again", e);
                fail(e);
            }
        }

        /**
         * PubNub's answer to the message's next call: its publish, or ({@code historyDelete}) the deletion of its
         * channels' history an erasure makes first. Both are retried and refused alike.
         */
        private void published(ArrayDeque<Message> chain, Message m, int attempt, Result<?> result, boolean historyDelete) {
            try {
                if (result.isSuccess()) {
                    if (historyDelete) {
                        m.historyErased().set(true);
                        step(chain, 0);   // the history is gone: now the message itself
                        return;
                    }
                    metrics.delivered(1);
                    chain.poll();
                    step(chain, 0);
                    return;
                }
                PubNubException e = result.exceptionOrNull();
                int status = e == null ? 0 : e.getStatusCode();
                if (isRetryable(status)) {
                    long retryAfterMs = e != null && e.getRetryAfterHeaderValue() != null
                            ? e.getRetryAfterHeaderValue() * 1000L : 0L;
                    long delay = backoff.delayMs(attempt, retryAfterMs);
                    metrics.retried();
                    logOutage(status, e, attempt, delay);
                    scheduler.schedule(() -> step(chain, attempt + 1), delay, TimeUnit.MILLISECONDS);
                } else {
                    String why = "PubNub answered HTTP " + status + ": " + (e == null ? "" : e.getErrorMessage());
                    blocking.execute(() -> deadLetterThenNext(chain, m, RejectReason.PUBNUB_REJECTED, why));
                }
            } catch (RuntimeException ex) {
                log.error("PubNub sink: unexpected error; the batch will be read again", ex);
                fail(ex);
            }
        }

        private void deadLetterThenNext(ArrayDeque<Message> chain, Message m, RejectReason reason, String why) {
            for (int attempt = 0; ; attempt++) {
                if (cancelled.getAsBoolean()) {
                    chainEnded();
                    return;
                }
                try {
                    deadLetters.send(m.record(), reason, why);
                    metrics.deadLettered(reason.code());
                    chain.poll();
                    step(chain, 0);
                    return;
                } catch (RuntimeException e) {
                    metrics.retried();
                    log.warn("PubNub sink: cannot write a dead letter yet: {}", e.getMessage());
                    try {
                        Thread.sleep(backoff.delayMs(attempt, 0));
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        fail(ie);
                        return;
                    }
                }
            }
        }

        private void fail(Throwable e) {
            done.completeExceptionally(e);
        }
    }

    /** Network errors (no status), timeouts, throttling and server errors pass; other 4xx will not. */
    static boolean isRetryable(int status) {
        return status < 400 || status == 408 || status == 429 || status >= 500;
    }

    private void logOutage(int status, PubNubException e, int attempt, long delay) {
        long now = System.currentTimeMillis();
        if (attempt == 0 || now - lastOutageLogMs >= LOG_EVERY_MS) {
            lastOutageLogMs = now;
            String cause = e == null ? "no answer" : e.getErrorMessage() + (e.getCause() != null ? " (" + e.getCause() + ")" : "");
            log.warn("PubNub publish failed (HTTP {}: {}); retry {} in {} ms, later deltas of the user wait",
                    status == 0 ? "none" : status, cause, attempt + 1, delay);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        blocking.shutdownNow();
        pubnub.forceDestroy();
    }
}
