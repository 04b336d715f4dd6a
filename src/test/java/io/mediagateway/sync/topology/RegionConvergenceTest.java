package io.mediagateway.sync.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.app.fault.ReferenceModel;
import io.mediagateway.sync.app.fault.Views;
import io.mediagateway.sync.app.fault.Workload;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.codec.StateCodec;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.model.ChangeCursor;
import io.mediagateway.sync.query.UserStateReader;
import io.mediagateway.sync.testing.SyncTopologyDriver;
import io.mediagateway.sync.topics.Regions;
import io.mediagateway.sync.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two regions of the real topology (contract §16), each in its own {@link TopologyTestDriver}: the same events, written
 * half in each region, reach each region in a different order — its own as they are written, the other's much later
 * (a partition, then the heal) or interleaved at random — as MirrorMaker 2 delivers them (same record timestamp, a
 * remote topic). Both regions end with every user's watchlist, progress, preferences and devices exactly as the
 * fault suite's reference model predicts, so exactly alike; events without a time of their own converge too.
 */
class RegionConvergenceTest {
    private static final Instant START = Instant.parse("2026-11-21T10:00:00Z");
    private static final String APPLICATION = "media-gateway-sync";
    private static final UserStateReader READER = new UserStateReader(new StateCodec(OrElement.Policy.DEFAULT),
            Duration.ofDays(7).toMillis());

    /** One region's topology and its inputs: its own topic and the peer's remote copy. */
    private static final class Region {
        final String name;
        final TopologyTestDriver driver;
        final Map<String, TestInputTopic<byte[], byte[]>> inputs = new HashMap<>();
        final TestOutputTopic<String, byte[]> deltas;

        Region(String name, String peer) {
            this.name = name;
            Regions regions = new Regions(Optional.of(name), Map.of(peer, "unused:9092"));
            // One application id in every region, as a deployment has (the compose example, the k8s overlays).
            driver = SyncTopologyDriver.start(SyncTopology.Settings.defaults().with(regions), APPLICATION,
                    Path.of("target", "ttd", APPLICATION + "-" + name + "-" + System.nanoTime()), START);
            for (String topic : regions.inputs(Topics.DEVICE_EVENTS.name())) {
                inputs.put(topic, driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer()));
            }
            deltas = driver.createOutputTopic(Topics.STATE_DELTAS.name(), new StringDeserializer(), new ByteArrayDeserializer());
        }

        /** An event written in region {@code writtenIn} at {@code recordTime}, as this region reads it. */
        void receive(String writtenIn, String user, String json, long recordTime) {
            String topic = writtenIn.equals(name) ? Topics.DEVICE_EVENTS.name()
                    : Regions.remoteTopic(writtenIn, Topics.DEVICE_EVENTS.name());
            inputs.get(topic).pipeInput(new TestRecord<>(user.getBytes(StandardCharsets.UTF_8),
                    json.getBytes(StandardCharsets.UTF_8), new RecordHeaders(), recordTime));
        }

        ReferenceModel.UserView view(String user) {
            UserStateReader.Stores stores = SyncTopologyDriver.stores(driver);
            long now = START.toEpochMilli() + 60_000;
            return Views.of(sent(READER.watchlist(stores, user)),
                    sent(READER.progress(stores, user, UserStateReader.ProgressFilter.ALL)),
                    sent(READER.preferences(stores, user)), sent(READER.devices(stores, user, now)));
        }
    }

    /** An event and where and when it was written. */
    private record Written(String region, String user, String json, long recordTime) {
    }

    private final List<Region> opened = new ArrayList<>();

    private Region region(String name, String peer) {
        Region r = new Region(name, peer);
        opened.add(r);
        return r;
    }

    @AfterEach
    void close() {
        opened.forEach(r -> r.driver.close());
    }

    private static JsonNode sent(JsonNode answer) {
        return Json.parse(Json.string(answer));
    }

    @Test
    void bothRegionsEndAsTheModelSaysWhateverOrderTheOthersEventsArriveIn() {
        for (long seed : new long[] {7, 20_261_207}) {
            ReferenceModel model = new ReferenceModel();
            Workload workload = new Workload(seed, 6, START.toEpochMilli(), model);
            Random where = new Random(seed);
            List<Written> written = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                Workload.Op op = workload.next();
                written.add(new Written(where.nextBoolean() ? "us" : "eu", op.user(), op.json(),
                        START.toEpochMilli() + i));
            }
            Region us = region("us", "eu");
            Region eu = region("eu", "us");
            // us: its own events as they come, eu's after a partition of the whole run (all at the heal).
            written.stream().filter(w -> w.region().equals("us")).forEach(w -> us.receive(w.region(), w.user(), w.json(), w.recordTime()));
            written.stream().filter(w -> w.region().equals("eu")).forEach(w -> us.receive(w.region(), w.user(), w.json(), w.recordTime()));
            // eu: the two topics interleaved at random, each in its own order.
            interleave(written, "us", new Random(seed + 1)).forEach(w -> eu.receive(w.region(), w.user(), w.json(), w.recordTime()));

            for (String user : workload.users()) {
                assertThat(us.view(user)).as("seed %d, %s in us", seed, user).isEqualTo(model.view(user));
                assertThat(eu.view(user)).as("seed %d, %s in eu", seed, user).isEqualTo(model.view(user));
            }
            assertThat(model.view(workload.users().get(0)).watchlist()).as("the workload fills the watchlist").isNotEmpty();
        }
    }

    /** The events in an order that keeps each region's own order: the records of one topic arrive in order. */
    private static List<Written> interleave(List<Written> written, String first, Random random) {
        List<Written> a = written.stream().filter(w -> w.region().equals(first)).toList();
        List<Written> b = written.stream().filter(w -> !w.region().equals(first)).toList();
        List<Written> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            if (j >= b.size() || (i < a.size() && random.nextBoolean())) {
                out.add(a.get(i++));
            } else {
                out.add(b.get(j++));
            }
        }
        return out;
    }

    @Test
    void eventsWithoutATimeOfTheirOwnAreStampedAlikeInEveryRegion() {
        Region us = region("us", "eu");
        Region eu = region("eu", "us");
        long t = START.toEpochMilli();
        List<Written> written = List.of(
                new Written("us", "plain", "{\"msg_type\":\"preference_update\",\"device_id\":\"tv\",\"key\":\"lang\",\"value\":\"fr\"}", t + 10),
                new Written("eu", "plain", "{\"msg_type\":\"preference_update\",\"device_id\":\"phone\",\"key\":\"lang\",\"value\":\"de\"}", t + 5),
                new Written("eu", "plain", "{\"msg_type\":\"watchlist_update\",\"device_id\":\"phone\",\"operation\":\"add\",\"content_id\":\"c1\"}", t + 6),
                new Written("us", "plain", "{\"msg_type\":\"watchlist_update\",\"device_id\":\"tv\",\"operation\":\"add\",\"content_id\":\"c1\"}", t + 6),
                new Written("us", "plain", "{\"msg_type\":\"device_join\",\"device_id\":\"tv\",\"device_type\":\"TV\",\"platform\":\"Tizen\"}", t + 1),
                new Written("eu", "plain", "{\"msg_type\":\"device_leave\",\"device_id\":\"tv\"}", t + 3));
        // Each region reads its own events first, the other's afterwards: a later write arriving first is still later.
        for (Region r : List.of(us, eu)) {
            written.stream().filter(w -> w.region().equals(r.name)).forEach(w -> r.receive(w.region(), w.user(), w.json(), w.recordTime()));
            written.stream().filter(w -> !w.region().equals(r.name)).forEach(w -> r.receive(w.region(), w.user(), w.json(), w.recordTime()));
        }
        ReferenceModel.UserView inUs = us.view("plain");
        assertThat(eu.view("plain")).isEqualTo(inUs);
        assertThat(inUs.preferences()).as("the later write (record time) wins in both").containsEntry("lang", "\"fr\"");
        assertThat(inUs.watchlist().get("c1")).as("both adds, each with its own tag").hasSize(2);
    }

    @Test
    void deltaIdsNameTheRegionAndTheDeltasTheRegionTheirInputWasWrittenIn() {
        Region us = region("us", "eu");
        long t = START.toEpochMilli();
        us.receive("us", "u1", "{\"msg_type\":\"preference_update\",\"device_id\":\"tv\",\"key\":\"a\",\"value\":1}", t);
        us.receive("eu", "u1", "{\"msg_type\":\"preference_update\",\"device_id\":\"tv\",\"key\":\"b\",\"value\":1}", t);
        List<TestRecord<String, byte[]>> out = us.deltas.readRecordsToList();
        assertThat(out).hasSize(2);
        Set<String> ids = new HashSet<>();
        List<String> origins = new ArrayList<>();
        for (TestRecord<String, byte[]> r : out) {
            ids.add(Json.parse(r.value()).path("delta_id").asText());
            Header h = r.headers().lastHeader(Topics.REGION_HEADER);
            origins.add(new String(h.value(), StandardCharsets.UTF_8));
        }
        assertThat(origins).containsExactly("us", "eu");
        // Same partition and offset in the two topics: told apart by the remote topic's region.
        assertThat(ids).hasSize(2).allMatch(id -> id.startsWith("us:")).anyMatch(id -> id.startsWith("us:eu."));
    }

    @Test
    void aPeersEventIsNotJudgedAgainstThisRegionsClock() {
        Region us = region("us", "eu");
        long t = START.toEpochMilli();
        String ahead = "{\"msg_type\":\"preference_update\",\"device_id\":\"tv\",\"key\":\"k\",\"value\":1,\"hlc\":\""
                + Hlc.pack(t + 120_000, 0) + "\"}";
        us.receive("us", "own", ahead, t);
        us.receive("eu", "peer", ahead, t);

        assertThat(us.view("own").preferences()).as("written here two minutes ahead of this clock: clock_skew").isEmpty();
        assertThat(us.view("peer").preferences()).as("accepted by eu, whose clock judged it").containsKey("k");
    }

    @Test
    void aDevicesTimeoutIsPublishedByTheRegionItsHeartbeatsWereWrittenIn() {
        Region eu = region("eu", "us");
        long t = START.toEpochMilli();
        eu.receive("us", "traveller", "{\"msg_type\":\"device_join\",\"device_id\":\"tv\",\"device_type\":\"TV\"}", t);
        eu.receive("eu", "homebody", "{\"msg_type\":\"device_join\",\"device_id\":\"tv\",\"device_type\":\"TV\"}", t);
        eu.deltas.readRecordsToList();

        // No heartbeat reaches eu for longer than the timeout (the device's heartbeats go to us; a partition).
        eu.driver.advanceWallClockTime(Duration.ofMinutes(2));

        Map<String, String> timeoutRegion = new HashMap<>();
        for (TestRecord<String, byte[]> r : eu.deltas.readRecordsToList()) {
            JsonNode d = Json.parse(r.value());
            if ("timeout".equals(d.path("reason").asText())) {
                timeoutRegion.put(r.key(), new String(r.headers().lastHeader(Topics.REGION_HEADER).value(), StandardCharsets.UTF_8));
            }
        }
        assertThat(timeoutRegion).as("us publishes the traveller's timeout to PubNub, eu its own device's")
                .containsEntry("traveller", "us").containsEntry("homebody", "eu");
    }

    @Test
    void aCursorOfAnotherRegionsHistoryIsAnsweredWithAReset() {
        Region us = region("us", "eu");
        Region eu = region("eu", "us");
        long t = START.toEpochMilli();
        String first = "{\"msg_type\":\"preference_update\",\"device_id\":\"tv\",\"key\":\"a\",\"value\":1,\"hlc\":\""
                + Hlc.pack(t, 0) + "\"}";
        String second = "{\"msg_type\":\"preference_update\",\"device_id\":\"tv\",\"key\":\"b\",\"value\":1,\"hlc\":\""
                + Hlc.pack(t + 1, 0) + "\"}";
        // The same first change in both (its HLC begins each region's history), then a second written in eu alone.
        us.receive("us", "mover", first, t);
        eu.receive("us", "mover", first, t);
        eu.receive("eu", "mover", second, t + 1);
        String cursorInUs = Json.parse(us.deltas.readRecordsToList().get(0).value()).path("cursor").asText();

        JsonNode inEu = READER.changes(SyncTopologyDriver.stores(eu.driver), "mover",
                ChangeCursor.decode("mover", cursorInUs).orElseThrow(), 100, t + 60_000);

        assertThat(inEu.path("reset").asBoolean()).as("us's numbering is not eu's: %s", inEu).isTrue();
    }

    @Test
    void anEventWrittenBeforeAnErasureIsErasedInEveryRegionWhicheverArrivesFirst() {
        Region us = region("us", "eu");
        Region eu = region("eu", "us");
        long t = START.toEpochMilli();
        Written erase = new Written("us", "leaving", "{\"msg_type\":\"user_erase\",\"device_id\":\"web\",\"hlc\":\""
                + Hlc.pack(t + 10, 0) + "\"}", t + 10);
        Written timed = new Written("eu", "leaving", "{\"msg_type\":\"preference_update\",\"device_id\":\"tv\","
                + "\"key\":\"lang\",\"value\":\"fr\",\"hlc\":\"" + Hlc.pack(t + 4, 0) + "\"}", t + 4);
        Written untimed = new Written("eu", "leaving",
                "{\"msg_type\":\"watchlist_update\",\"device_id\":\"tv\",\"operation\":\"add\",\"content_id\":\"c1\"}", t + 5);
        // us erases first and gets eu's earlier events afterwards; eu applies them, then the erasure arrives.
        for (Written w : List.of(erase, timed, untimed)) {
            us.receive(w.region(), w.user(), w.json(), w.recordTime());
        }
        for (Written w : List.of(timed, untimed, erase)) {
            eu.receive(w.region(), w.user(), w.json(), w.recordTime());
        }

        assertThat(us.view("leaving")).as("nothing of what came before the erasure, in us")
                .isEqualTo(new ReferenceModel.UserView(Map.of(), Map.of(), Map.of(), Map.of()));
        assertThat(eu.view("leaving")).as("eu as us").isEqualTo(us.view("leaving"));
    }
}
