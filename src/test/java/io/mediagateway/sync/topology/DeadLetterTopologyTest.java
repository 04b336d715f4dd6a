package io.mediagateway.sync.topology;

import static io.mediagateway.sync.topology.TopologyFixture.add;
import static io.mediagateway.sync.topology.TopologyFixture.event;
import static io.mediagateway.sync.topology.TopologyFixture.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.deadletter.DeadLetters;
import io.mediagateway.sync.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every dead-letter reason of ingest: the original bytes, the contract's headers, and the stream going on. */
class DeadLetterTopologyTest {
    private final TopologyFixture t = new TopologyFixture();

    @AfterEach
    void close() {
        t.close();
    }

    static Stream<Arguments> badRecords() {
        String ok = "\"device_id\":\"tv\",\"hlc\":\"" + TopologyFixture.hlc(1) + "\"";
        String progress = "{\"msg_type\":\"watch_progress_update\"," + ok + ",\"content_id\":\"c1\",\"duration_seconds\":100,";
        return Stream.of(
                Arguments.of("not json", "{\"msg_type\":", "invalid_json"),
                Arguments.of("a JSON array", "[1,2]", "invalid_json"),
                Arguments.of("trailing garbage", "{\"msg_type\":\"device_leave\"," + ok + "} x", "invalid_json"),
                Arguments.of("no msg_type", "{" + ok + "}", "missing_field"),
                Arguments.of("unknown msg_type", "{\"msg_type\":\"explode\"," + ok + "}", "unknown_msg_type"),
                Arguments.of("no device_id", "{\"msg_type\":\"device_leave\"}", "missing_field"),
                Arguments.of("device id with a space", "{\"msg_type\":\"device_leave\",\"device_id\":\"my tv\"}",
                        "invalid_device_id"),
                Arguments.of("device id too long", "{\"msg_type\":\"device_leave\",\"device_id\":\"" + "d".repeat(129) + "\"}",
                        "invalid_device_id"),
                Arguments.of("content id with a control char", "{\"msg_type\":\"watchlist_update\"," + ok
                        + ",\"operation\":\"Add\",\"content_id\":\"a\\u0007b\"}", "invalid_content_id"),
                Arguments.of("content id too long", "{\"msg_type\":\"watchlist_update\"," + ok
                        + ",\"operation\":\"Add\",\"content_id\":\"" + "c".repeat(256) + "\"}", "invalid_content_id"),
                Arguments.of("unknown watchlist operation", "{\"msg_type\":\"watchlist_update\"," + ok
                        + ",\"operation\":\"Toggle\",\"content_id\":\"c1\"}", "invalid_field"),
                Arguments.of("observed_tags not an array", "{\"msg_type\":\"watchlist_update\"," + ok
                        + ",\"operation\":\"remove\",\"content_id\":\"c1\",\"observed_tags\":\"t\"}", "invalid_field"),
                Arguments.of("negative position", progress + "\"position_seconds\":-1}", "invalid_field"),
                Arguments.of("position as text", progress + "\"position_seconds\":\"ten\"}", "invalid_field"),
                Arguments.of("zero duration", "{\"msg_type\":\"watch_progress_update\"," + ok
                        + ",\"content_id\":\"c1\",\"position_seconds\":1,\"duration_seconds\":0}", "invalid_field"),
                Arguments.of("no position", progress.substring(0, progress.length() - 1) + "}", "missing_field"),
                Arguments.of("unknown playback state", progress + "\"position_seconds\":1,\"state\":\"Rewinding\"}",
                        "invalid_field"),
                Arguments.of("hlc not digits", "{\"msg_type\":\"device_leave\",\"device_id\":\"tv\",\"hlc\":\"12a\"}",
                        "invalid_field"),
                Arguments.of("bad timestamp", "{\"msg_type\":\"device_leave\",\"device_id\":\"tv\",\"timestamp\":\"yesterday\"}",
                        "invalid_field"),
                Arguments.of("preference key too long", "{\"msg_type\":\"preference_update\"," + ok + ",\"key\":\""
                        + "k".repeat(65) + "\",\"value\":1}", "invalid_field"),
                Arguments.of("preference value over 4 KiB", "{\"msg_type\":\"preference_update\"," + ok
                        + ",\"key\":\"k\",\"value\":\"" + "v".repeat(4100) + "\"}", "invalid_field"),
                Arguments.of("preference value nested 33 levels", "{\"msg_type\":\"preference_update\"," + ok
                        + ",\"key\":\"k\",\"value\":" + "[".repeat(33) + "]".repeat(33) + "}", "invalid_field"),
                Arguments.of("command params nested 999 levels", "{\"msg_type\":\"remote_command\"," + ok
                        + ",\"target_device_id\":\"tv\",\"command\":{\"type\":\"Play\",\"params\":{\"x\":"
                        + "[".repeat(999) + "]".repeat(999) + "}}}", "invalid_field"),
                Arguments.of("content id with a lone surrogate", "{\"msg_type\":\"watchlist_update\"," + ok
                        + ",\"operation\":\"Add\",\"content_id\":\"a\\ud800b\"}", "invalid_field"),
                Arguments.of("metadata title with a lone surrogate", "{\"msg_type\":\"watchlist_update\"," + ok
                        + ",\"operation\":\"Add\",\"content_id\":\"c\",\"content_metadata\":{\"title\":\"\\udfff\"}}",
                        "invalid_field"),
                Arguments.of("preference without value", "{\"msg_type\":\"preference_update\"," + ok + ",\"key\":\"k\"}",
                        "missing_field"),
                Arguments.of("join without device_type", "{\"msg_type\":\"device_join\"," + ok + "}", "missing_field"),
                Arguments.of("unknown device_type", "{\"msg_type\":\"device_join\"," + ok + ",\"device_type\":\"Fridge\"}",
                        "invalid_field"),
                Arguments.of("unknown resolution", "{\"msg_type\":\"device_join\"," + ok
                        + ",\"device_type\":\"TV\",\"capabilities\":{\"max_resolution\":\"16K\"}}", "invalid_field"),
                Arguments.of("capabilities flag as text", "{\"msg_type\":\"device_join\"," + ok
                        + ",\"device_type\":\"TV\",\"capabilities\":{\"can_cast\":\"yes\"}}", "invalid_field"),
                Arguments.of("command without target", "{\"msg_type\":\"remote_command\"," + ok
                        + ",\"command\":{\"type\":\"Play\"}}", "missing_field"),
                Arguments.of("unknown command type", "{\"msg_type\":\"remote_command\"," + ok
                        + ",\"target_device_id\":\"tv2\",\"command\":{\"type\":\"Explode\"}}", "invalid_field"),
                Arguments.of("seek without position", "{\"msg_type\":\"remote_command\"," + ok
                        + ",\"target_device_id\":\"tv2\",\"command\":{\"type\":\"Seek\",\"params\":{}}}", "missing_field"),
                Arguments.of("volume above 1", "{\"msg_type\":\"remote_command\"," + ok
                        + ",\"target_device_id\":\"tv2\",\"command\":{\"type\":\"VolumeSet\",\"params\":{\"level\":1.5}}}",
                        "invalid_field"),
                Arguments.of("cast to a bad device id", "{\"msg_type\":\"remote_command\"," + ok
                        + ",\"target_device_id\":\"tv2\",\"command\":{\"type\":\"CastTo\",\"params\":{\"target_device_id\":"
                        + "\"a b\",\"content_id\":\"c\"}}}", "invalid_device_id"),
                Arguments.of("handoff to a bad device id", "{\"msg_type\":\"handoff\"," + ok
                        + ",\"target_device_id\":\"a/b\",\"content_id\":\"c1\"}", "invalid_device_id"),
                Arguments.of("user_id differs from the key", "{\"msg_type\":\"device_leave\"," + ok
                        + ",\"user_id\":\"mallory\"}", "user_mismatch"));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("badRecords")
    void aBadRecordIsDeadLetteredVerbatimAndTheNextOneIsProcessed(String what, String value, String reason) {
        t.send("alice", value);
        t.send("alice", add("tv", "c-next", "t", 2));

        List<TestRecord<byte[], byte[]>> dead = t.deadLetters();
        assertThat(dead).hasSize(1);
        assertDeadLetter(dead.get(0), "alice".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), reason);
        assertThat(t.deltas()).extracting(d -> d.path("content_id").asText()).containsExactly("c-next");
    }

    @Test
    void oversizedRecordsAreRejectedBeforeParsing() {
        ObjectNode big = add("tv", "c1", "t", 1);
        big.putObject("content_metadata").put("title", "x".repeat(33 * 1024));
        byte[] value = Json.bytes(big);
        t.send("alice", value);
        TestRecord<byte[], byte[]> dead = t.deadLetters().get(0);
        assertDeadLetter(dead, "alice".getBytes(StandardCharsets.UTF_8), value, "oversized");
        assertThat(header(dead, DeadLetters.MESSAGE)).contains("32768");
    }

    @Test
    void keysThatAreMissingOrNotUserIdsAreRejected() {
        byte[] value = Json.bytes(add("tv", "c1", "t", 1));
        t.send((String) null, value);
        t.send("alice.smith", value);
        t.sendRaw(new byte[] {(byte) 0xC3, (byte) 0x28}, value, new RecordHeaders());
        t.send("a".repeat(65), value);
        List<TestRecord<byte[], byte[]>> dead = t.deadLetters();
        assertThat(dead).extracting(r -> header(r, DeadLetters.REASON))
                .containsExactly("missing_key", "invalid_user_id", "invalid_user_id", "invalid_user_id");
        assertThat(dead.get(0).key()).isNull();
        assertThat(dead.get(2).key()).containsExactly((byte) 0xC3, (byte) 0x28);
        assertThat(t.deltas()).isEmpty();
    }

    @Test
    void eventsTooFarAheadOfTheClockAreRejected() {
        long ahead = Hlc.pack(t.now().toEpochMilli() + 61_000, 0);
        long justInside = Hlc.pack(t.now().toEpochMilli() + 59_000, 0);
        t.send("alice", add("tv", "c1", "t1", 0).put("hlc", Long.toString(ahead)));
        t.send("alice", add("tv", "c2", "t2", 0).put("hlc", Long.toString(justInside)));
        TestRecord<byte[], byte[]> dead = t.deadLetters().get(0);
        assertThat(header(dead, DeadLetters.REASON)).isEqualTo("clock_skew");
        assertThat(header(dead, DeadLetters.MESSAGE)).contains("61000 ms ahead");
        assertThat(t.deltas()).extracting(d -> d.path("content_id").asText()).containsExactly("c2");
    }

    @Test
    void theRecordsOwnHeadersAreKeptAndSourceCoordinatesAreTheOriginalOnes() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 5; i++) {
            t.send("user-" + i, add("tv", "c", "t", 1));
        }
        // Users whose partition is not 0 went through the repartition topic; the dead letter still names
        // the record's place on sync.device-events (the test driver writes everything to partition 0).
        for (int i = 0; i < 12; i++) {
            t.sendRaw(("user-" + i).getBytes(StandardCharsets.UTF_8), "nope".getBytes(StandardCharsets.UTF_8), headers);
        }
        List<TestRecord<byte[], byte[]>> dead = t.deadLetters();
        assertThat(dead).hasSize(12);
        for (int i = 0; i < 12; i++) {
            TestRecord<byte[], byte[]> r = dead.get(i);
            assertThat(header(r, DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.DEVICE_EVENTS.name());
            assertThat(header(r, DeadLetters.SOURCE_PARTITION)).isEqualTo("0");
            assertThat(header(r, DeadLetters.SOURCE_OFFSET)).isEqualTo(Integer.toString(5 + i));
            assertThat(header(r, "trace-id")).isEqualTo("abc");
            assertThat(r.headers().lastHeader("sync.origin.offset")).isNull();
        }
    }

    @Test
    void aFloodOfMixedBadRecordsNeverStopsTheStream() {
        int bad = 0;
        for (int i = 0; i < 500; i++) {
            switch (i % 5) {
                case 0 -> t.send("alice", "garbage " + i);
                case 1 -> t.send("alice", event("nope", "tv", 1));
                case 2 -> t.send("bad key " + i, add("tv", "c", "t", 1));
                case 3 -> t.send("alice", new byte[0]);
                default -> {
                    t.send("alice", add("tv", "c-" + i, "t", 1));
                    bad--;
                }
            }
            bad++;
        }
        assertThat(t.deadLetters()).hasSize(bad);
        assertThat(t.deltas()).hasSize(100);
    }

    static void assertDeadLetter(TestRecord<byte[], byte[]> dead, byte[] key, byte[] value, String reason) {
        assertThat(dead.key()).isEqualTo(key);
        assertThat(dead.value()).isEqualTo(value);
        assertThat(header(dead, DeadLetters.REASON)).isEqualTo(reason);
        assertThat(header(dead, DeadLetters.MESSAGE)).isNotBlank();
        assertThat(header(dead, DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.DEVICE_EVENTS.name());
        assertThat(header(dead, DeadLetters.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(Long.parseLong(header(dead, DeadLetters.SOURCE_OFFSET))).isNotNegative();
    }
}
