package io.mediagateway.sync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.app.fault.ReferenceModel;
import io.mediagateway.sync.app.fault.Views;
import io.mediagateway.sync.app.fault.Workload;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.testing.KafkaCluster;
import io.mediagateway.sync.testing.Ports;
import io.mediagateway.sync.testing.PostgresDatabase;
import io.mediagateway.sync.testing.PubNubStandIn;
import io.mediagateway.sync.testing.RealServices;
import io.mediagateway.sync.testing.ServiceProcess;
import io.mediagateway.sync.testing.TcpProxy;
import io.mediagateway.sync.testing.TestDirs;
import io.mediagateway.sync.testing.WsTestClient;
import io.mediagateway.sync.web.JwtTokens;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two regions (contract §16): two Kafka clusters, one packaged service in each with its own PostgreSQL database, one
 * PubNub (the stand-in) for both, and MirrorMaker 2 for the flow into each region — run inside {@code serve} in us, by
 * the {@code mirror} command beside a service with {@code SYNC_MIRROR=off} in eu. Each region
 * reaches the other's cluster only through a proxy the test cuts — a partition between the regions — and heals.
 * A seeded workload writes for the same users in both regions before, during and after the partition; the fault
 * suite's reference model predicts the end. Then every user's watchlist, progress, preferences and devices are the
 * model's in both regions' API and in both PostgreSQL databases; during the partition each region answered reads and
 * writes, read its own writes and pushed them over its WebSocket, without the other's writes; after the heal a write
 * in one region is pushed in the other; PubNub got each change once, from the region it was written in.
 */
@ExtendWith(RealServices.class)
class RegionsIT {
    private static final Logger log = LoggerFactory.getLogger(RegionsIT.class);
    private static final String SECRET = "regions-it-secret-0123456789abcdef";
    private static final JwtTokens TOKENS = new JwtTokens(SECRET);
    private static final String PARTITION_USER = "regions-partition-user";
    private static final Pattern LAG = Pattern.compile("sync_region_replication_lag_seconds\\{[^}]*peer=\"(\\w+)\"[^}]*} (\\S+)");

    /** One region: its cluster, the proxy others reach it through, its service. */
    private record Region(String name, KafkaCluster kafka, TcpProxy link, String baseUrl, int port, PGSimpleDataSource db) {
    }

    @Test
    void twoRegionsAcceptWritesThroughAPartitionAndConvergeWhenItHeals(PostgresDatabase pg) throws Exception {
        // The two clusters start side by side (each takes seconds on its own).
        CompletableFuture<KafkaCluster> startingEu = CompletableFuture.supplyAsync(() -> {
            try {
                return KafkaCluster.start("127.0.0.1", 1, true);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start eu's cluster", e);
            }
        });
        try (KafkaCluster usKafka = KafkaCluster.start("127.0.0.1", 1, true);
             KafkaCluster euKafka = startingEu.join();
             TcpProxy toUs = TcpProxy.start(usKafka.remoteAdvertisedPort(0), usKafka.remoteListenerPort(0));
             TcpProxy toEu = TcpProxy.start(euKafka.remoteAdvertisedPort(0), euKafka.remoteListenerPort(0));
             PubNubStandIn pubnub = PubNubStandIn.start()) {
            Region us = region("us", usKafka, toUs, pg);
            Region eu = region("eu", euKafka, toEu, pg);
            // us runs MirrorMaker 2 inside serve; eu runs it as a process of its own (the mirror command, SYNC_MIRROR=off).
            try (ServiceProcess usService = start(us, eu, pg, pubnub, true);
                 ServiceProcess euService = start(eu, us, pg, pubnub, false);
                 ServiceProcess euMirror = ServiceProcess.start(regionEnv(eu, us),
                         TestDirs.create("regions-eu-mirror").resolve("mirror.log"), "mirror");
                 KafkaProducer<String, String> usEvents = producer(usKafka);
                 KafkaProducer<String, String> euEvents = producer(euKafka)) {
                usService.awaitReady(us.port(), Duration.ofSeconds(120));
                euService.awaitReady(eu.port(), Duration.ofSeconds(120));

                ReferenceModel model = new ReferenceModel();
                Workload workload = new Workload(20_261_207L, 8, System.currentTimeMillis(), model);
                Random where = new Random(7);
                write(workload, 300, where, usEvents, euEvents);

                String firstTag = addedEverywhere(us, eu);

                // The partition: neither region's MirrorMaker 2 reaches the other's cluster.
                toUs.cut();
                toEu.cut();
                String secondTag = concurrentRemoveAndAdd(us, eu, firstTag);
                Instant cutAt = Instant.now();
                write(workload, 300, where, usEvents, euEvents);
                duringThePartitionEachRegionServesItsOwnWrites(us, eu);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(lagSeconds(us).get("eu")).as("us's replication lag behind eu").isGreaterThan(5));
                log.info("Partition held for {} ms", Duration.between(cutAt, Instant.now()).toMillis());

                toUs.heal();
                toEu.heal();
                Instant healedAt = Instant.now();
                measureHealToVisible(us, eu, healedAt);
                write(workload, 200, where, usEvents, euEvents);
                usEvents.flush();
                euEvents.flush();

                Set<String> users = new TreeSet<>(workload.users());
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    for (String user : users) {
                        assertThat(Views.read(us.baseUrl(), user, TOKENS)).as("%s in us", user).isEqualTo(model.view(user));
                        assertThat(Views.read(eu.baseUrl(), user, TOKENS)).as("%s in eu", user).isEqualTo(model.view(user));
                    }
                });
                log.info("Both regions equal the model {} ms after the heal", Duration.between(healedAt, Instant.now()).toMillis());
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    for (Region r : List.of(us, eu)) {
                        try (Connection c = r.db().getConnection()) {
                            Map<String, ReferenceModel.UserView> tables = Views.fromTables(c, users);
                            for (String user : users) {
                                assertThat(tables.get(user)).as("%s in %s's PostgreSQL", user, r.name()).isEqualTo(model.view(user));
                            }
                        }
                    }
                });
                assertThat(lagSeconds(us).get("eu")).as("us's lag after the heal").isLessThan(5);
                for (Region r : List.of(us, eu)) {
                    assertThat(watchlistTags(r, CONTESTED)).as("add wins in %s: eu's remove did not see us's new add",
                            r.name()).containsExactly(secondTag);
                }

                aWriteInOneRegionIsPushedInTheOther(us, eu);
                aBroadcastPostedInOneRegionReachesTheOthersSessionsAndPubNubOnce(us, eu, pubnub);
                pubNubGotEachChangeOnceFromItsRegion(pubnub);
                assertThat(euMirror.isAlive()).as("the mirror command still runs").isTrue();
                measureWriteInOnePushInTheOther(us, eu, Integer.getInteger("regions.samples", 5));
            }
        }
    }

    private static Region region(String name, KafkaCluster kafka, TcpProxy link, PostgresDatabase pg) throws Exception {
        int port = Ports.free();
        return new Region(name, kafka, link, "http://127.0.0.1:" + port, port, pg.freshDatabase("regions_" + name));
    }

    /** A region's cluster, name and peer: what the service and the mirror command read. */
    private static Map<String, String> regionEnv(Region self, Region peer) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", self.kafka().bootstrapServers());
        env.put("SYNC_REGION", self.name());
        // The peer's cluster as this region's MirrorMaker 2 reaches it: through the proxy the test cuts.
        env.put("SYNC_PEER_REGIONS", peer.name() + "=" + peer.kafka().remoteBootstrapServers());
        return env;
    }

    private static ServiceProcess start(Region self, Region peer, PostgresDatabase pg, PubNubStandIn pubnub, boolean mirror)
            throws Exception {
        Map<String, String> env = regionEnv(self, peer);
        env.put("SYNC_MIRROR", mirror ? "on" : "off");
        env.put("PG_URL", pg.jdbcUrlOf(self.db().getDatabaseName()));
        if (pg.user() != null) {
            env.put("PG_USER", pg.user());
        }
        if (pg.password() != null) {
            env.put("PG_PASSWORD", pg.password());
        }
        env.put("SYNC_HOST", "127.0.0.1");
        env.put("SYNC_PORT", Integer.toString(self.port()));
        env.put("SYNC_ADVERTISED_URL", self.baseUrl());
        env.put("SYNC_DATA_DIR", TestDirs.create("regions-" + self.name()).toString());
        env.put("SYNC_STREAM_THREADS", "1");
        env.put("SYNC_JWT_SECRET", SECRET);
        env.put("SYNC_RATE_LIMIT_USER_PER_SEC", "0");
        env.put("SYNC_RATE_LIMIT_DEVICE_PER_SEC", "0");
        env.put("SYNC_ANALYTICS", "off");
        // The model knows joins and leaves, not timeouts.
        env.put("SYNC_PRESENCE_TIMEOUT_MS", Long.toString(Duration.ofDays(7).toMillis()));
        env.put("PUBNUB_PUBLISH_KEY", "pub-key");
        env.put("PUBNUB_SUBSCRIBE_KEY", "sub-key");
        env.put("PUBNUB_ORIGIN", pubnub.origin());
        env.put("PUBNUB_SECURE", "false");
        return ServiceProcess.start(env, TestDirs.create("regions-" + self.name() + "-out").resolve("service.log"), "serve");
    }

    private static KafkaProducer<String, String> producer(KafkaCluster kafka) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** {@code n} events of the workload, each written in one region or the other, at random. */
    private static void write(Workload workload, int n, Random where, KafkaProducer<String, String> us,
                              KafkaProducer<String, String> eu) throws Exception {
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Workload.Op op = workload.next();
            // Each user's events stay in order within a region: one producer per region, one partition per user.
            sent.add((where.nextBoolean() ? us : eu).send(new ProducerRecord<>("sync.device-events", op.user(), op.json())));
        }
        for (java.util.concurrent.Future<?> f : sent) {
            f.get();
        }
    }

    /**
     * While the link is down: a write in each region is acknowledged, read back there with its read-your-writes token
     * and pushed over that region's WebSocket — and the other region does not show it.
     */
    private static void duringThePartitionEachRegionServesItsOwnWrites(Region us, Region eu) throws Exception {
        String user = PARTITION_USER;
        for (Region r : List.of(us, eu)) {
            String token = TOKENS.forUser(user, "phone-" + r.name(), Duration.ofHours(1), Instant.now());
            try (WsTestClient ws = WsTestClient.connect("ws://127.0.0.1:" + r.port() + "/ws?token=" + token)) {
                ws.nextContaining("\"snapshot\"", Duration.ofSeconds(30));
                HttpResponse<String> written = Http.call(r.baseUrl() + "/api/v1/sync/preferences", token,
                        "{\"key\":\"written-in-" + r.name() + "\",\"value\":\"" + r.name() + "\"}");
                assertThat(written.statusCode()).as(written.body()).isEqualTo(202);
                String ryw = Json.parse(written.body()).path("token").asText();
                HttpResponse<String> read = readAsAClientDoes(r.baseUrl() + "/api/v1/sync/preferences?after=" + ryw, token);
                assertThat(read.statusCode()).as("%s: %s", r.name(), read.body()).isEqualTo(200);
                assertThat(Json.parse(read.body()).path("items").path("written-in-" + r.name()).asText()).isEqualTo(r.name());
                assertThat(ws.nextContaining("written-in-" + r.name(), Duration.ofSeconds(10))).contains("preference_update");
                // The token read in the other region: answered with what that region has, and said so.
                Region other = r == us ? eu : us;
                HttpResponse<String> there = Http.call(other.baseUrl() + "/api/v1/sync/preferences?after=" + ryw, token, null);
                assertThat(there.statusCode()).as(there.body()).isEqualTo(200);
                assertThat(there.headers().firstValue("X-Sync-Staleness")).get().asString()
                        .contains("made in region " + r.name());
            }
        }
        Thread.sleep(3_000);
        for (Region r : List.of(us, eu)) {
            Region other = r == us ? eu : us;
            String token = TOKENS.forUser(user, "reader", Duration.ofHours(1), Instant.now());
            JsonNode items = Json.parse(Http.call(r.baseUrl() + "/api/v1/sync/preferences", token, null).body()).path("items");
            assertThat(items.has("written-in-" + other.name())).as("%s shows %s's write across the partition", r.name(),
                    other.name()).isFalse();
        }
    }

    private static final String CONTESTED = "contested-title";

    /** us adds a title for the partition's user; both regions show it. Its tag. */
    private static String addedEverywhere(Region us, Region eu) throws Exception {
        String token = TOKENS.forUser(PARTITION_USER, "phone-us", Duration.ofHours(1), Instant.now());
        HttpResponse<String> added = Http.call(us.baseUrl() + "/api/v1/sync/watchlist", token,
                "{\"operation\":\"add\",\"content_id\":\"" + CONTESTED + "\"}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(202);
        String tag = Json.parse(added.body()).path("unique_tag").asText();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(watchlistTags(eu, CONTESTED)).containsExactly(tag));
        return tag;
    }

    /**
     * Across the partition, eu removes the title (having seen its first tag) while us adds it again: after the heal
     * both keep us's new add (add wins) and neither keeps the first. The new add's tag.
     */
    private static String concurrentRemoveAndAdd(Region us, Region eu, String firstTag) throws Exception {
        String euToken = TOKENS.forUser(PARTITION_USER, "tv-eu", Duration.ofHours(1), Instant.now());
        HttpResponse<String> removed = Http.call(eu.baseUrl() + "/api/v1/sync/watchlist", euToken,
                "{\"operation\":\"remove\",\"content_id\":\"" + CONTESTED + "\",\"observed_tags\":[\"" + firstTag + "\"]}");
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(202);
        String usToken = TOKENS.forUser(PARTITION_USER, "phone-us", Duration.ofHours(1), Instant.now());
        HttpResponse<String> added = Http.call(us.baseUrl() + "/api/v1/sync/watchlist", usToken,
                "{\"operation\":\"add\",\"content_id\":\"" + CONTESTED + "\"}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(202);
        return Json.parse(added.body()).path("unique_tag").asText();
    }

    private static List<String> watchlistTags(Region r, String content) throws Exception {
        String token = TOKENS.forUser(PARTITION_USER, "reader", Duration.ofHours(1), Instant.now());
        for (JsonNode item : Json.parse(Http.call(r.baseUrl() + "/api/v1/sync/watchlist", token, null).body()).path("items")) {
            if (item.path("content_id").asText().equals(content)) {
                List<String> tags = new ArrayList<>();
                item.path("unique_tags").forEach(t -> tags.add(t.asText()));
                return tags;
            }
        }
        return List.of();
    }

    /**
     * From the heal to each region showing the other's write made during the partition, polled every 50 ms
     * (BENCHMARKS.md, "Regions": cross-region convergence after a heal).
     */
    private static void measureHealToVisible(Region us, Region eu, Instant healedAt) {
        for (Region r : List.of(us, eu)) {
            Region other = r == us ? eu : us;
            String token = TOKENS.forUser(PARTITION_USER, "reader", Duration.ofHours(1), Instant.now());
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50)).until(() -> Json.parse(
                    Http.call(r.baseUrl() + "/api/v1/sync/preferences", token, null).body()).path("items")
                    .has("written-in-" + other.name()));
            log.info("Heal → {}'s partition write visible in {}: {} ms", other.name(), r.name(),
                    Duration.between(healedAt, Instant.now()).toMillis());
        }
    }

    /**
     * A read with {@code after}, sent again as a client does while it is answered 503 with {@code Retry-After} (the
     * write not processed within the read's wait: contract §6) — for at most 30 s, each retry logged.
     */
    private static HttpResponse<String> readAsAClientDoes(String url, String token) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            HttpResponse<String> r = Http.call(url, token, null);
            if (r.statusCode() != 503 || System.nanoTime() > deadline) {
                return r;
            }
            log.warn("{} answered 503 ({}): retrying after {} s", url, r.body(), r.headers().firstValue("Retry-After").orElse("1"));
            Thread.sleep(1_000L * Long.parseLong(r.headers().firstValue("Retry-After").orElse("1")));
        }
    }

    private static void aWriteInOneRegionIsPushedInTheOther(Region us, Region eu) throws Exception {
        String user = "regions-push-user";
        String euToken = TOKENS.forUser(user, "tv-in-eu", Duration.ofHours(1), Instant.now());
        try (WsTestClient ws = WsTestClient.connect("ws://127.0.0.1:" + eu.port() + "/ws?token=" + euToken)) {
            ws.nextContaining("\"snapshot\"", Duration.ofSeconds(30));
            String usToken = TOKENS.forUser(user, "phone-in-us", Duration.ofHours(1), Instant.now());
            HttpResponse<String> written = Http.call(us.baseUrl() + "/api/v1/sync/watchlist", usToken,
                    "{\"operation\":\"add\",\"content_id\":\"crossed-the-ocean\"}");
            assertThat(written.statusCode()).as(written.body()).isEqualTo(202);
            assertThat(ws.nextContaining("crossed-the-ocean", Duration.ofSeconds(30))).contains("watchlist_update");
        }
    }

    /**
     * An announcement posted in us: a WebSocket session in eu gets it, eu's channel history lists it (with a cursor
     * naming us), and PubNub got it once — from us.
     */
    private static void aBroadcastPostedInOneRegionReachesTheOthersSessionsAndPubNubOnce(Region us, Region eu,
                                                                                         PubNubStandIn pubnub) throws Exception {
        String euToken = TOKENS.forUser("regions-broadcast-user", "tv-in-eu", Duration.ofHours(1), Instant.now());
        try (WsTestClient ws = WsTestClient.connect("ws://127.0.0.1:" + eu.port() + "/ws?token=" + euToken)) {
            ws.nextContaining("\"snapshot\"", Duration.ofSeconds(30));
            HttpResponse<String> posted = Http.call(us.baseUrl() + "/api/v1/broadcasts",
                    TOKENS.forAdmin("ops", Duration.ofHours(1), Instant.now()),
                    "{\"channel\":\"global.announcements\",\"msg_type\":\"maintenance\",\"text\":\"posted-in-us\"}");
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
            assertThat(ws.nextContaining("posted-in-us", Duration.ofSeconds(30))).contains("\"broadcast\"");
        }
        JsonNode history = Json.parse(Http.call(eu.baseUrl() + "/api/v1/broadcasts/global.announcements", euToken, null).body());
        assertThat(history.toString()).contains("posted-in-us", "\"us.");
        await().atMost(Duration.ofSeconds(30)).until(() -> pubnub.published().stream()
                .anyMatch(m -> m.channel().equals("global.announcements") && m.message().contains("posted-in-us")));
        Thread.sleep(2_000);
        assertThat(pubnub.published().stream().filter(m -> m.message().contains("posted-in-us")).count())
                .as("published to PubNub once, by us").isEqualTo(1);
    }

    /**
     * Write in us → push in eu, one write at a time on a quiet pair (BENCHMARKS.md, "Regions"): the time from sending
     * the REST write in us to the delta's arrival over a WebSocket in eu, {@code -Dregions.samples} times — and, as the
     * baseline in the same run, to a WebSocket in us.
     */
    private static void measureWriteInOnePushInTheOther(Region us, Region eu, int samples) throws Exception {
        for (Region to : List.of(us, eu)) {
            String user = "regions-latency-" + to.name();
            String toToken = TOKENS.forUser(user, "tv-in-" + to.name(), Duration.ofHours(1), Instant.now());
            String usToken = TOKENS.forUser(user, "phone-in-us", Duration.ofHours(1), Instant.now());
            long[] ms = new long[samples];
            try (WsTestClient ws = WsTestClient.connect("ws://127.0.0.1:" + to.port() + "/ws?token=" + toToken)) {
                ws.nextContaining("\"snapshot\"", Duration.ofSeconds(30));
                for (int i = 0; i < samples; i++) {
                    String marker = "latency-" + i;
                    long start = System.nanoTime();
                    HttpResponse<String> written = Http.call(us.baseUrl() + "/api/v1/sync/preferences", usToken,
                            "{\"key\":\"probe\",\"value\":\"" + marker + "\"}");
                    assertThat(written.statusCode()).as(written.body()).isEqualTo(202);
                    ws.nextContaining(marker, Duration.ofSeconds(30));
                    ms[i] = (System.nanoTime() - start) / 1_000_000;
                    Thread.sleep(200);
                }
            }
            Arrays.sort(ms);
            log.info("Write in us → push in {}, {} writes one at a time: p50 {} ms, p90 {} ms, max {} ms", to.name(),
                    samples, ms[samples / 2], ms[(int) Math.min(samples - 1, Math.round(samples * 0.9))], ms[samples - 1]);
        }
    }

    /**
     * Each region publishes the deltas of what was written in it: no delta of an event read from a peer's remote topic
     * ({@code us:eu.…}) reaches PubNub, and no change (type, user, HLC, device, item) reaches it under two ids.
     */
    private static void pubNubGotEachChangeOnceFromItsRegion(PubNubStandIn pubnub) {
        Set<String> changes = new HashSet<>();
        Set<String> ids = new HashSet<>();
        int seen = 0;
        for (PubNubStandIn.Publish p : pubnub.published()) {
            if (!p.channel().startsWith("user.")) {
                continue;
            }
            JsonNode d = Json.parse(p.message());
            String id = d.path("delta_id").asText();
            // The egress publishes at least once: a delta published again after a rebalance has the same id.
            if (id.startsWith("timeout:") || !ids.add(id)) {
                continue;
            }
            seen++;
            assertThat(id).as("published by the region the event was written in").matches("(us|eu):n?\\d+-\\d+-\\d+");
            String change = String.join("|", d.path("msg_type").asText(), d.path("user_id").asText(), d.path("hlc").asText(),
                    d.path("device_id").asText(), d.path("content_id").asText(), d.path("key").asText(),
                    d.path("target_device_id").asText());
            assertThat(changes.add(change)).as("published once: %s", change).isTrue();
        }
        assertThat(seen).as("deltas published").isGreaterThan(300);
    }

    private static Map<String, Double> lagSeconds(Region r) throws Exception {
        Map<String, Double> out = new HashMap<>();
        Matcher m = LAG.matcher(Http.get(r.baseUrl() + "/metrics").body());
        while (m.find()) {
            out.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return out;
    }
}
