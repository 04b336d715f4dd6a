package io.mediagateway.sync.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mediagateway.sync.codec.StateCodec;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.deadletter.DeadLetters;
import io.mediagateway.sync.ingest.EventSink;
import io.mediagateway.sync.model.BroadcastHistory;
import io.mediagateway.sync.ingest.LogPosition;
import io.mediagateway.sync.query.ReadRouter;
import io.mediagateway.sync.query.StateSource;
import io.mediagateway.sync.query.UserStateReader;
import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.topology.StreamsProperties;
import io.mediagateway.sync.topology.SyncTopology;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The REST API and WebSocket on a real server, with writes going through the real topology (in a
 * {@link TopologyTestDriver}: what it would dead-letter is visible) and reads coming from its stores.
 * A test class holds one as {@code @RegisterExtension final ApiFixture f = new ApiFixture();}.
 */
final class ApiFixture implements AutoCloseable, AfterEachCallback {
    static final String SECRET = "api-routes-test-secret-long-enough-for-hs256";
    final JwtTokens tokens = new JwtTokens(SECRET);
    final ObjectMapper mapper = new ObjectMapper();
    final AtomicReference<StateSource.Location> location = new AtomicReference<>();
    /** The other instances {@link StateSource#peers()} names. */
    final AtomicReference<java.util.List<String>> peers = new AtomicReference<>(java.util.List.of());
    final TopologyTestDriver driver;
    final TestInputTopic<String, byte[]> events;
    final TestInputTopic<String, byte[]> notifications;
    /** What writes produced to topics other than the topology's inputs (sync.broadcasts). */
    final java.util.List<org.apache.kafka.clients.producer.ProducerRecord<String, byte[]>> produced =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    final TestOutputTopic<byte[], byte[]> deadLetters;
    final TestOutputTopic<byte[], byte[]> deltas;
    final EventSink sink;
    final StateSource source;
    final ApiRoutes api;
    final WsSessions sessions = new WsSessions();
    /** What each broadcast channel keeps, as the instance's broadcast fan-out would hold it. */
    final Map<String, BroadcastHistory> broadcastHistories = new java.util.concurrent.ConcurrentHashMap<>();
    /** Who grants PubNub tokens (none by default: 503, as when PubNub is not configured). */
    final AtomicReference<PubNubRoutes.Granter> granter =
            new AtomicReference<>(PubNubRoutes.unavailable("PubNub is not configured: set PUBNUB_PUBLISH_KEY"));
    final WebServer web;
    final String base;
    private long offset;

    ApiFixture() {
        Properties props = StreamsProperties.of("api-" + System.nanoTime(), "localhost:9", Path.of("target", "ttd-api"), 1, 50, 0);
        driver = new TopologyTestDriver(SyncTopology.build(new StreamsConfig(props), SyncTopology.Settings.defaults()), props);
        events = driver.createInputTopic(Topics.DEVICE_EVENTS.name(), new StringSerializer(), new ByteArraySerializer());
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        deltas = driver.createOutputTopic(Topics.STATE_DELTAS.name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        UserStateReader.Stores stores = name -> {
            synchronized (this) {
                @SuppressWarnings("unchecked")
                ReadOnlyKeyValueStore<String, byte[]> s = (ReadOnlyKeyValueStore<String, byte[]>) (Object) driver.getKeyValueStore(name);
                return s;
            }
        };
        location.set(new StateSource.Local(stores, Optional.empty()));
        notifications = driver.createInputTopic(Topics.NOTIFICATIONS.name(), new StringSerializer(), new ByteArraySerializer());
        sink = (topic, key, value, timestamp) -> {
            synchronized (this) {
                if (topic.equals(Topics.DEVICE_EVENTS.name()) && timestamp == EventSink.NOW) {
                    events.pipeInput(key, value);
                    return new LogPosition(0, offset++);
                }
                if (topic.equals(Topics.NOTIFICATIONS.name())) {
                    notifications.pipeInput(key, value, Instant.ofEpochMilli(timestamp));
                } else {
                    produced.add(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, null, timestamp, key, value));
                }
                return new LogPosition(0, 0);
            }
        };
        source = new StateSource() {
            @Override
            public Location locate(String userId) {
                return location.get();
            }

            @Override
            public java.util.List<String> peers() {
                return peers.get();
            }

            @Override
            public boolean hasProcessed(String userId, LogPosition token) {
                return token.offset() < offset;
            }

            @Override
            public WriteWait awaitWrite(String userId, LogPosition token, Duration timeout) {
                return hasProcessed(userId, token) ? WriteWait.PROCESSED : WriteWait.NOT_IN_LOG;
            }
        };
        api = routes(source, ReadRouter.DEFAULT_MAX_WAITING_READS);
        web = WebServer.start("127.0.0.1", 0, "test", () -> new Readiness.Status(true, "RUNNING"), mapper, c -> {
            api.register(c);
            new WsRoutes(api, sessions).register(c);
            new BroadcastRoutes(api, ch -> broadcastHistories.getOrDefault(ch.name(), BroadcastHistory.empty(ch)),
                    System::currentTimeMillis).register(c);
            new PubNubRoutes(api, (user, region) -> granter.get().grant(user, region), System::currentTimeMillis).register(c);
        });
        base = "http://127.0.0.1:" + web.port();
    }

    /** Routes over this fixture's topology, with another state source and bound on waiting reads. */
    ApiRoutes routes(StateSource state, int maxWaitingReads) {
        return new ApiRoutes(tokens, new Hlc(System::currentTimeMillis, 60_000), sink, state,
                new UserStateReader(new StateCodec(OrElement.Policy.DEFAULT), 60_000), System::currentTimeMillis,
                new RateLimiter(0, System::nanoTime), new RateLimiter(0, System::nanoTime), maxWaitingReads);
    }

    String user(String user, String device) {
        return tokens.forUser(user, device, Duration.ofHours(1), Instant.now());
    }

    String wsUrl(String token) {
        return "ws://127.0.0.1:" + web.port() + "/ws?token=" + token;
    }

    HttpResponse<String> post(String path, String token, String body) throws Exception {
        return Http.call(base + path, token, body);
    }

    HttpResponse<String> call(String method, String path, String token, String body, String... headers) throws Exception {
        return Http.request(method, base + path, token, body, headers);
    }

    HttpResponse<String> get(String path, String token) throws Exception {
        return Http.call(base + path, token, null);
    }

    JsonNode json(HttpResponse<String> r) throws Exception {
        return mapper.readTree(r.body());
    }

    JsonNode json(String text) throws Exception {
        return mapper.readTree(text);
    }

    void assertError(HttpResponse<String> r, int status, String code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(json(r).path("error").asText()).as(r.body()).isEqualTo(code);
        assertThat(json(r).path("message").asText()).isNotBlank();
        assertThat(r.body()).doesNotContain("Exception", "\tat ");
    }

    /** The dead-letter reasons the topology wrote since the last call. */
    List<String> deadLetterReasons() {
        synchronized (this) {
            return deadLetters.readRecordsToList().stream().map(r -> {
                Header h = r.headers().lastHeader(DeadLetters.REASON);
                return h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8);
            }).toList();
        }
    }

    /** The deltas the topology wrote since the last call, as JSON. */
    List<JsonNode> deltas() throws Exception {
        synchronized (this) {
            List<JsonNode> out = new java.util.ArrayList<>();
            for (var r : deltas.readRecordsToList()) {
                out.add(mapper.readTree(r.value()));
            }
            return out;
        }
    }

    /**
     * The deltas the topology wrote since the last call, pushed to this instance's WebSocket sessions as the
     * fan-out of {@code sync.state-deltas} does; returned as JSON.
     */
    List<JsonNode> fanOut() throws Exception {
        synchronized (this) {
            List<JsonNode> out = new java.util.ArrayList<>();
            for (var r : deltas.readRecordsToList()) {
                sessions.deliver(new String(r.key(), StandardCharsets.UTF_8), r.value());
                out.add(mapper.readTree(r.value()));
            }
            return out;
        }
    }

    /** Moves the topology's wall clock (its punctuators: the presence sweep). */
    void advance(Duration by) {
        synchronized (this) {
            driver.advanceWallClockTime(by);
        }
    }

    /** A store of the topology, to put values in as an older version of the service could have. */
    @SuppressWarnings("unchecked")
    KeyValueStore<String, byte[]> store(String name) {
        synchronized (this) {
            return (KeyValueStore<String, byte[]>) (Object) driver.getKeyValueStore(name);
        }
    }

    /** Pipes a record straight into {@code sync.device-events}, as a gateway would produce it. */
    void produce(String user, byte[] value) {
        synchronized (this) {
            events.pipeInput(user, value);
            offset++;
        }
    }

    /** Registered with {@code @RegisterExtension}: one fixture per test, closed after it. */
    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        web.close();
        driver.close();
    }
}
