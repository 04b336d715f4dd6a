package io.mediagateway.sync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.pubnub.api.UserId;
import com.pubnub.api.crypto.CryptoModule;
import com.pubnub.api.java.PubNub;
import com.pubnub.api.java.callbacks.SubscribeCallback;
import com.pubnub.api.java.v2.PNConfiguration;
import com.pubnub.api.models.consumer.PNStatus;
import com.pubnub.api.models.consumer.pubsub.PNMessageResult;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.deadletter.DeadLetters;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.testing.KafkaBroker;
import io.mediagateway.sync.testing.Ports;
import io.mediagateway.sync.testing.PubNubStandIn;
import io.mediagateway.sync.testing.RealServices;
import io.mediagateway.sync.testing.ServiceProcess;
import io.mediagateway.sync.testing.TestDirs;
import io.mediagateway.sync.testing.TopicReader;
import io.mediagateway.sync.web.JwtTokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Devices publishing through PubNub (contract §15), end to end through the stand-in: a device with the token and key
 * the service granted publishes on its channel; the state changes, and the delta comes back on the channel once,
 * encrypted with the user's key. Bad messages are dead-lettered with the channel as their source. After a restart
 * the service takes what was published meanwhile — from the subscription and from history — once; and when the
 * instance that subscribes is killed mid-stream, another takes over without losing or repeating a message.
 */
@ExtendWith(RealServices.class)
class PubNubIngressIT {
    private static final String SECRET = "pubnub-ingress-it-secret-long-enough-for-hs256";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static Map<String, String> env(KafkaBroker kafka, String applicationId, String name, int port, PubNubStandIn pubnub)
            throws Exception {
        Map<String, String> env = InstanceEnv.serving(kafka, applicationId, "ingress-" + name, port, SECRET);
        env.put("PUBNUB_PUBLISH_KEY", "pub-key");
        env.put("PUBNUB_SUBSCRIBE_KEY", "sub-key");
        env.put("PUBNUB_SECRET_KEY", "sec-key");
        env.put("PUBNUB_ORIGIN", pubnub.origin());
        env.put("PUBNUB_SECURE", "false");
        env.put("SYNC_PUBNUB_INGRESS", "on");
        env.put("SYNC_PUBNUB_USER_KEYS_SECRET", "ingress-it-user-keys");
        env.put("SYNC_PUBNUB_INGRESS_TAKEOVER_MS", "6000");
        return env;
    }

    /** A device as the PubNub specification has it: the SDK with the granted token, uuid and key. */
    private static final class Device implements AutoCloseable {
        final PubNub sdk;
        final String user;
        final String cipherKey;
        final List<JsonNode> received = new CopyOnWriteArrayList<>();

        Device(String base, PubNubStandIn pubnub, String user) throws Exception {
            this.user = user;
            String token = new JwtTokens(SECRET).forUser(user, "phone-1", Duration.ofHours(1), Instant.now());
            var r = Http.call(base + "/api/v1/pubnub/token", token, "");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode grant = Json.parse(r.body());
            cipherKey = grant.get("cipher_key").asText();
            sdk = PubNub.create(PNConfiguration.builder(new UserId(grant.get("uuid").asText()), grant.get("subscribe_key").asText())
                    .publishKey("pub-key").origin(pubnub.origin()).secure(false)
                    .cryptoModule(CryptoModule.createAesCbcCryptoModule(cipherKey, false)).build());
            sdk.setToken(grant.get("token").asText());
        }

        void listen() {
            sdk.addListener(new SubscribeCallback() {
                @Override
                public void status(PubNub p, PNStatus status) {
                }

                @Override
                public void message(PubNub p, PNMessageResult m) {
                    if (!user.equals(m.getPublisher())) {
                        received.add(Json.parse(m.getMessage().toString()));
                    }
                }
            });
            sdk.subscribe().channels(List.of("user." + user + ".sync")).execute();
        }

        long publish(Map<String, Object> message) throws Exception {
            return sdk.publish(message, "user." + user + ".sync").sync().getTimetoken();
        }

        @Override
        public void close() {
            sdk.forceDestroy();
        }
    }

    private static Map<String, Object> add(String content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("msg_type", "watchlist_update");
        m.put("operation", "Add");
        m.put("content_id", content);
        m.put("device_id", "phone-1");
        return m;
    }

    private static List<ConsumerRecord<byte[], byte[]>> events(KafkaBroker kafka, String user) {
        return TopicReader.readCommitted(kafka.bootstrapServers(), Topics.DEVICE_EVENTS.name()).stream()
                .filter(r -> r.key() != null && user.equals(new String(r.key(), StandardCharsets.UTF_8))).toList();
    }

    private static Map<String, Integer> messageIds(List<ConsumerRecord<byte[], byte[]>> events) {
        Map<String, Integer> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> e : events) {
            out.merge(Json.parse(e.value()).get("message_id").asText(), 1, Integer::sum);
        }
        return out;
    }

    private static int watchlistSize(String base, String user) throws Exception {
        String token = new JwtTokens(SECRET).forUser(user, "check", Duration.ofHours(1), Instant.now());
        var r = Http.call(base + "/api/v1/sync/watchlist", token, null);
        return r.statusCode() == 200 ? Json.parse(r.body()).get("items").size() : -1;
    }

    @Test
    void aDevicesPublishChangesTheStateAndItsDeltaComesBackOnceEncryptedForTheUser(KafkaBroker kafka) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String user = "ing-" + run;
        int port = Ports.free();
        String base = "http://127.0.0.1:" + port;
        try (PubNubStandIn pubnub = PubNubStandIn.start();
             SyncService service = SyncService.start(SyncConfig.fromEnv(env(kafka, "ingress-it-" + run, "a", port, pubnub)))) {
            await().atMost(WAIT).until(() -> Http.status(base + "/ready") == 200);
            try (Device phone = new Device(base, pubnub, user)) {
                phone.listen();
                long timetoken = phone.publish(add("tmdb:550"));

                await().atMost(WAIT).until(() -> watchlistSize(base, user) == 1);
                await().atMost(WAIT).until(() -> !phone.received.isEmpty());
                Thread.sleep(1_000);   // a repeat would have come by now
                assertThat(phone.received).as("the delta, decrypted by the device's SDK, once").hasSize(1);
                assertThat(phone.received.get(0).get("msg_type").asText()).isEqualTo("watchlist_update");
                assertThat(phone.received.get(0).get("content_id").asText()).isEqualTo("tmdb:550");
                assertThat(messageIds(events(kafka, user))).containsExactly(Map.entry(Long.toString(timetoken), 1));
                // On the wire the delta is the user's key's ciphertext: another user's key does not open it.
                PubNubStandIn.Publish wire = pubnub.published().stream()
                        .filter(p -> p.channel().equals("user." + user + ".sync") && !user.equals(p.publisher())).findFirst().orElseThrow();
                String sealed = Json.parse(wire.message()).asText();
                assertThat(new String(CryptoModule.createAesCbcCryptoModule(phone.cipherKey, false)
                        .decrypt(Base64.getDecoder().decode(sealed)), StandardCharsets.UTF_8)).contains("tmdb:550");

                // Bad input: garbage, plain JSON, another user's id, the wrong key, a field missing. Each a dead letter naming
                // the channel. (A message too large for an event is refused too: IngressMessagesTest.)
                PubNub raw = PubNub.create(PNConfiguration.builder(new UserId(user), "sub-key").publishKey("pub-key")
                        .origin(pubnub.origin()).secure(false).build());
                try {
                    raw.publish("hello", "user." + user + ".sync").sync();
                    raw.publish(Map.of("msg_type", "watchlist_update"), "user." + user + ".sync").sync();
                } finally {
                    raw.forceDestroy();
                }
                Map<String, Object> other = add("tmdb:1");
                other.put("user_id", "someone-else");
                phone.publish(other);
                try (Device bob = new Device(base, pubnub, "bob-" + run)) {
                    bob.sdk.publish(add("tmdb:2"), "user." + user + ".sync").sync();
                }
                phone.publish(Map.of("msg_type", "watchlist_update", "device_id", "phone-1", "content_id", "tmdb:3"));
                await().atMost(WAIT).untilAsserted(() -> assertThat(deadLetters(kafka, "user." + user + ".sync"))
                        .containsExactlyInAnyOrder("undecryptable", "undecryptable", "user_mismatch", "undecryptable",
                                "missing_field"));
                assertThat(watchlistSize(base, user)).isEqualTo(1);
            }
        }
    }

    /** The reasons of the dead letters whose source is {@code channel}. */
    private static List<String> deadLetters(KafkaBroker kafka, String channel) {
        List<String> reasons = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readCommitted(kafka.bootstrapServers(), Topics.DEAD_LETTERS.name())) {
            var source = r.headers().lastHeader(DeadLetters.SOURCE_TOPIC);
            if (source != null && channel.equals(new String(source.value(), StandardCharsets.UTF_8))) {
                reasons.add(new String(r.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8));
            }
        }
        return reasons;
    }

    @Test
    void afterARestartWhatWasPublishedMeanwhileIsTakenOnceFromTheSubscriptionAndFromHistory(KafkaBroker kafka) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String alice = "ing-a-" + run;
        String bob = "ing-b-" + run;
        int port = Ports.free();
        String base = "http://127.0.0.1:" + port;
        try (PubNubStandIn pubnub = PubNubStandIn.start()) {
            Map<String, String> env = env(kafka, "ingress-restart-" + run, "r", port, pubnub);
            List<Long> published = new ArrayList<>();
            Device phone;
            Device bobs;
            try (SyncService service = SyncService.start(SyncConfig.fromEnv(env))) {
                await().atMost(WAIT).until(() -> Http.status(base + "/ready") == 200);
                phone = new Device(base, pubnub, alice);
                bobs = new Device(base, pubnub, bob);
                published.add(phone.publish(add("c-0")));
                await().atMost(WAIT).until(() -> watchlistSize(base, alice) == 1);
            }
            // While the service is down: 120 messages on alice's channel, of which PubNub's subscription buffer keeps
            // the newest 50 (the rest only history has), and 3 on bob's channel, which the service never saw.
            pubnub.subscribeKeeps(50);
            try (phone; bobs) {
                for (int i = 1; i <= 120; i++) {
                    published.add(phone.publish(add("c-" + i)));
                }
                for (int i = 0; i < 3; i++) {
                    bobs.publish(add("b-" + i));
                }
            }
            try (SyncService again = SyncService.start(SyncConfig.fromEnv(env))) {
                await().atMost(WAIT).until(() -> watchlistSize(base, alice) == 121 && watchlistSize(base, bob) == 3);
                Thread.sleep(1_000);
                Map<String, Integer> ids = messageIds(events(kafka, alice));
                assertThat(ids.keySet()).containsExactlyInAnyOrderElementsOf(published.stream().map(String::valueOf).toList());
                assertThat(ids.values()).as("each message once").containsOnly(1);
                assertThat(messageIds(events(kafka, bob))).hasSize(3).containsValues(1, 1, 1);
            }
        }
    }

    private static boolean subscribes(String base) {
        try {
            return Http.get(base + "/metrics").body().lines().anyMatch(l -> l.startsWith("sync_pubnub_ingress_subscriber")
                    && l.trim().endsWith(" 1.0"));
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void whenTheSubscriberIsKilledMidStreamAnotherTakesOverWithoutLosingOrRepeatingAMessage(KafkaBroker kafka)
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String user = "ing-k-" + run;
        String applicationId = "ingress-kill-" + run;
        int portA = Ports.free();
        int portB = Ports.free();
        String baseA = "http://127.0.0.1:" + portA;
        String baseB = "http://127.0.0.1:" + portB;
        Path logs = TestDirs.create("ingress-kill");
        try (PubNubStandIn pubnub = PubNubStandIn.start();
             ServiceProcess a = ServiceProcess.start(InstanceEnv.quickFailover(env(kafka, applicationId, "ka", portA, pubnub)),
                     logs.resolve("a.log"), "serve");
             ServiceProcess b = ServiceProcess.start(InstanceEnv.quickFailover(env(kafka, applicationId, "kb", portB, pubnub)),
                     logs.resolve("b.log"), "serve")) {
            a.awaitReady(portA, Duration.ofSeconds(90));
            b.awaitReady(portB, Duration.ofSeconds(90));
            await().atMost(WAIT).until(() -> subscribes(baseA) || subscribes(baseB));
            boolean aSubscribes = subscribes(baseA);
            ServiceProcess subscriber = aSubscribes ? a : b;
            String survivor = aSubscribes ? baseB : baseA;
            List<Long> published = new ArrayList<>();
            try (Device phone = new Device(survivor, pubnub, user)) {
                for (int i = 0; i < 200; i++) {
                    published.add(phone.publish(add("k-" + i)));
                    if (i == 60) {
                        subscriber.kill();
                    }
                    Thread.sleep(25);
                }
            }
            await().atMost(WAIT).until(() -> subscribes(survivor));
            await().atMost(WAIT).until(() -> watchlistSize(survivor, user) == 200);
            Thread.sleep(1_000);
            Map<String, Integer> ids = messageIds(events(kafka, user));
            assertThat(ids.keySet()).containsExactlyInAnyOrderElementsOf(published.stream().map(String::valueOf).toList());
            assertThat(ids.values()).as("no message taken twice").containsOnly(1);
        }
    }
}
