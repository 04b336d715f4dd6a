package io.mediagateway.sync.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.crdt.Hlc;
import io.mediagateway.sync.crdt.LwwRegister;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.crdt.Stamp;
import io.mediagateway.sync.model.Capabilities;
import io.mediagateway.sync.model.CommandType;
import io.mediagateway.sync.model.ContentMetadata;
import io.mediagateway.sync.model.Delta;
import io.mediagateway.sync.model.DeviceInfo;
import io.mediagateway.sync.model.DeviceRecord;
import io.mediagateway.sync.model.Notification;
import io.mediagateway.sync.model.NotificationState;
import io.mediagateway.sync.model.NowPlaying;
import io.mediagateway.sync.model.PlaybackPosition;
import io.mediagateway.sync.model.PlaybackState;
import io.mediagateway.sync.model.PreferenceValue;
import io.mediagateway.sync.model.Presence;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecTest {
    private static final long HLC = Hlc.pack(1_763_700_000_000L, 3);
    private static final OrElement.Policy POLICY = OrElement.Policy.DEFAULT;
    private static final ContentMetadata META = new ContentMetadata("Fight Club", 1999,
            "https://image.tmdb.org/t/p/w500/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg", "movie");
    private static final DeviceInfo TV = new DeviceInfo("TV", "Tizen",
            new Capabilities("UHD_4K", List.of("EAC3", "AAC", "DTS"), List.of("HDR10", "DolbyVision"), true, true, 65.0),
            "5.2.0", "Living room TV", null, "excellent");
    private final StateCodec codec = new StateCodec(POLICY);

    @Test
    void shouldEncodeEqualElementsBuiltInDifferentOrdersToIdenticalBytes() {
        OrElement<ContentMetadata> a = OrElement.<ContentMetadata>empty()
                .add("t1", new Stamp(HLC, "phone"), META, POLICY)
                .add("t2", new Stamp(HLC + 1, "tv"), META, POLICY);
        OrElement<ContentMetadata> b = OrElement.<ContentMetadata>empty()
                .add("t2", new Stamp(HLC + 1, "tv"), META, POLICY)
                .add("t1", new Stamp(HLC, "phone"), META, POLICY);

        assertThat(codec.encodeElement(a)).isEqualTo(codec.encodeElement(b));
        assertThat(codec.decodeElement(codec.encodeElement(a))).isEqualTo(a);
    }

    @Test
    void shouldRoundTripEveryStateValue() {
        LwwRegister<PlaybackPosition> progress = LwwRegister.of(
                new PlaybackPosition(1234.5, 7200, PlaybackState.PLAYING, "TV", "netflix"), new Stamp(HLC, "tv"));
        LwwRegister<PreferenceValue> pref = LwwRegister.of(
                new PreferenceValue(Json.canonical("{\"lang\":\"en\",\"auto\":true}")), new Stamp(HLC, "web"));
        DeviceRecord device = DeviceRecord.seen(TV, new Stamp(HLC, "tv"), 1_763_700_000_000L).timeout();
        OrElement<ContentMetadata> deferredOnly = OrElement.<ContentMetadata>empty()
                .remove(List.of("x"), new Stamp(HLC, "tv"), POLICY);

        assertThat(codec.decodeProgress(codec.encodeProgress(progress))).isEqualTo(progress);
        assertThat(codec.decodePreference(codec.encodePreference(pref))).isEqualTo(pref);
        assertThat(codec.decodeDevice(codec.encodeDevice(device))).isEqualTo(device);
        assertThat(codec.decodeElement(codec.encodeElement(deferredOnly))).isEqualTo(deferredOnly);
        DeviceRecord removed = DeviceRecord.seen(TV, new Stamp(HLC, "tv"), 1_763_700_000_000L, true)
                .merge(DeviceRecord.removal(new Stamp(HLC + 1, "phone")));
        assertThat(codec.decodeDevice(codec.encodeDevice(removed))).isEqualTo(removed);
        // With regions (contract §16) a record names the region its presence came from; without, its bytes are as before.
        DeviceRecord fromUs = device.in("us");
        assertThat(codec.decodeDevice(codec.encodeDevice(fromUs))).isEqualTo(fromUs);
        assertThat(codec.encodeDevice(fromUs).length).isEqualTo(codec.encodeDevice(device).length + 1 + 2);
        assertThat(fromUs.merge(DeviceRecord.left(new Stamp(HLC + 5, "tv")).in("eu")).region())
                .as("the region of the presence that wins").isEqualTo("eu");
        LwwRegister<PlaybackPosition> removedProgress = LwwRegister.of(PlaybackPosition.REMOVED, new Stamp(HLC, "tv"));
        assertThat(codec.decodeProgress(codec.encodeProgress(removedProgress))).isEqualTo(removedProgress);
    }

    @Test
    void aDeviceStoredBeforeJoinsAndRemovalsWereRecordedIsListedWhenItWasEverSeen() {
        String seen = "{\"last_seen_ms\":1763700000000,\"presence\":{\"device_id\":\"tv\",\"hlc\":\"" + HLC
                + "\",\"value\":\"OFFLINE_LEAVE\"}}";
        DeviceRecord old = codec.decodeDevice(seen.getBytes(StandardCharsets.UTF_8));
        assertThat(old.visible()).isTrue();
        assertThat(old.joined()).isEqualTo(new Stamp(HLC, "tv"));
        DeviceRecord leaveOnly = codec.decodeDevice(seen.replace("1763700000000", "0").getBytes(StandardCharsets.UTF_8));
        assertThat(leaveOnly.visible()).isFalse();
    }

    @Test
    void shouldCanonicaliseAnyJsonValueWithSortedKeysAtEveryLevel() {
        assertThat(Json.canonical("{ \"b\": {\"y\": 1, \"x\": [3, {\"k\": 2, \"j\": 1}]}, \"a\": null }"))
                .isEqualTo("{\"a\":null,\"b\":{\"x\":[3,{\"j\":1,\"k\":2}],\"y\":1}}");
    }

    @Test
    void shouldWriteNodesBuiltInAnyOrderWithSortedKeys() {
        var node = Json.object();
        node.put("zeta", 1);
        var nested = node.putObject("mid");
        nested.put("b", true);
        nested.putArray("a").addObject().put("y", 2).put("x", 1);
        node.set("alpha", Json.parse("{\"d\":4,\"c\":3}"));
        assertThat(Json.string(node))
                .isEqualTo("{\"alpha\":{\"c\":3,\"d\":4},\"mid\":{\"a\":[{\"x\":1,\"y\":2}],\"b\":true},\"zeta\":1}");
    }

    @Test
    void shouldWriteHlcsAsStringsInSnapshotsBecauseJavaScriptNumbersCannotHoldThem() {
        String json = Json.string(codec.progressNode(LwwRegister.of(
                new PlaybackPosition(1, 2, PlaybackState.PAUSED, null, null), new Stamp(HLC, "tv"))));

        assertThat(json).contains("\"hlc\":\"" + HLC + "\"");
    }

    /** Values exactly as versions before the binary form stored them (their JSON, byte for byte). */
    @Test
    void readsEveryValueTheJsonFormOfEarlierVersionsStored() {
        String h = Long.toString(HLC);
        String element = "{\"clock\":{\"phone\":\"" + h + "\"},\"deferred\":{\"x\":{\"device_id\":\"tv\",\"hlc\":\"" + h
                + "\"}},\"live\":{\"t1\":{\"content_metadata\":{\"content_type\":\"movie\",\"title\":\"Fight Club\","
                + "\"year\":1999},\"device_id\":\"tv\",\"hlc\":\"" + h + "\"}},\"removers\":{\"phone\":\"" + h + "\"}}";
        OrElement<ContentMetadata> e = codec.decodeElement(utf8(element));
        assertThat(e.live().get("t1").metadata()).isEqualTo(new ContentMetadata("Fight Club", 1999, null, "movie"));
        assertThat(e.clock()).containsEntry("phone", HLC);
        assertThat(e.removers()).containsEntry("phone", HLC);
        assertThat(e.deferred()).containsEntry("x", new Stamp(HLC, "tv"));

        String progress = "{\"device_id\":\"tv\",\"device_type\":\"TV\",\"duration_seconds\":7200.0,\"hlc\":\"" + h
                + "\",\"platform_id\":\"netflix\",\"position_seconds\":1234.5,\"state\":\"Playing\"}";
        assertThat(codec.decodeProgress(utf8(progress))).isEqualTo(LwwRegister.of(
                new PlaybackPosition(1234.5, 7200, PlaybackState.PLAYING, "TV", "netflix"), new Stamp(HLC, "tv")));
        String preference = "{\"device_id\":\"web\",\"hlc\":\"" + h + "\",\"value\":{\"auto\":true,\"lang\":\"en\"}}";
        assertThat(codec.decodePreference(utf8(preference))).isEqualTo(LwwRegister.of(
                new PreferenceValue("{\"auto\":true,\"lang\":\"en\"}"), new Stamp(HLC, "web")));
        assertThat(codec.decodeNowPlaying(utf8("{\"content_id\":\"tmdb:550\",\"hlc\":" + h + "}")))
                .isEqualTo(new NowPlaying(HLC, "tmdb:550"));
        String device = "{\"info\":{\"app_version\":\"5.2.0\",\"capabilities\":{\"audio_codecs\":[\"AAC\"],"
                + "\"can_cast\":true,\"hdr_support\":[],\"max_resolution\":\"UHD_4K\",\"remote_controllable\":true},"
                + "\"device_id\":\"tv\",\"device_type\":\"TV\",\"hlc\":\"" + h + "\",\"network_quality\":4,"
                + "\"platform\":\"Tizen\"},\"joined\":{\"device_id\":\"tv\",\"hlc\":\"" + h + "\"},"
                + "\"last_seen_ms\":1763700000000,\"presence\":{\"device_id\":\"tv\",\"hlc\":\"" + h
                + "\",\"value\":\"ONLINE\"}}";
        DeviceRecord d = codec.decodeDevice(utf8(device));
        assertThat(d.presence().value()).isEqualTo(Presence.ONLINE);
        assertThat(d.info().orElseThrow().value().networkQuality()).isEqualTo("4");
        assertThat(d.info().orElseThrow().value().capabilities().maxResolution()).isEqualTo("UHD_4K");
        assertThat(d.lastSeenMs()).isEqualTo(1_763_700_000_000L);

        // The goldens are what the JSON encoders (still used for snapshots) write: the form earlier versions stored
        assertThat(Json.string(codec.elementNode(e))).isEqualTo(element);
        assertThat(Json.string(codec.progressNode(codec.decodeProgress(utf8(progress))))).isEqualTo(progress);
        assertThat(Json.string(codec.preferenceNode(codec.decodePreference(utf8(preference))))).isEqualTo(preference);
        assertThat(Json.string(codec.deviceNode(d))).isEqualTo(device);

        // Written again, each is in the binary form and reads back the same
        assertThat(codec.encodeElement(e)[0]).isEqualTo(BinaryValues.FORMAT_1);
        assertThat(codec.decodeElement(codec.encodeElement(e))).isEqualTo(e);
        assertThat(codec.decodeDevice(codec.encodeDevice(d))).isEqualTo(d);
    }

    @Test
    void theBinaryFormIsSmallerThanTheJsonAndNeverLooksLikeIt() {
        OrElement<ContentMetadata> element = OrElement.<ContentMetadata>empty()
                .add("2f1c8a4e-7d1b-4a57-9f0e-3c2b1a0d9e8f", new Stamp(HLC, "tv-samsung-living-room"), META, POLICY);
        DeviceRecord device = DeviceRecord.seen(TV, new Stamp(HLC, "tv"), 1_763_700_000_000L);
        LwwRegister<PlaybackPosition> progress = LwwRegister.of(
                new PlaybackPosition(1234.5, 7200, PlaybackState.PLAYING, "TV", "netflix"), new Stamp(HLC, "tv"));

        assertThat(codec.encodeElement(element).length).isLessThan(Json.bytes(codec.elementNode(element)).length);
        assertThat(codec.encodeDevice(device).length).isLessThan(Json.bytes(codec.deviceNode(device)).length);
        assertThat(codec.encodeProgress(progress).length).isLessThan(Json.bytes(codec.progressNode(progress)).length);
        assertThat(codec.encodeDevice(device)[0]).isNotEqualTo((byte) '{');
    }

    @Test
    void refusesABinaryValueThatIsTruncatedOfAnotherKindOrLongerThanItsFields() {
        byte[] progress = codec.encodeProgress(LwwRegister.of(
                new PlaybackPosition(1, 2, PlaybackState.PAUSED, null, null), new Stamp(HLC, "tv")));
        assertThatThrownBy(() -> codec.decodeProgress(Arrays.copyOf(progress, progress.length - 1)))
                .isInstanceOf(Json.CodecException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> codec.decodeProgress(Arrays.copyOf(progress, progress.length + 1)))
                .isInstanceOf(Json.CodecException.class).hasMessageContaining("after its end");
        assertThatThrownBy(() -> codec.decodeDevice(progress))
                .isInstanceOf(Json.CodecException.class).hasMessageContaining("not a device record");
        byte[] later = progress.clone();
        later[0] = 2;
        assertThatThrownBy(() -> codec.decodeProgress(later))
                .isInstanceOf(Json.CodecException.class).hasMessageContaining("no known format");
        // a length near 2^31 must not wrap around the bounds check
        byte[] preference = codec.encodePreference(LwwRegister.of(new PreferenceValue("1"), new Stamp(HLC, "tv")));
        byte[] hugeLength = Arrays.copyOf(preference, 7);
        hugeLength[2] = (byte) 0xFF;
        hugeLength[3] = (byte) 0xFF;
        hugeLength[4] = (byte) 0xFF;
        hugeLength[5] = (byte) 0xFF;
        hugeLength[6] = (byte) 0x07;
        assertThatThrownBy(() -> codec.decodePreference(hugeLength))
                .isInstanceOf(Json.CodecException.class).hasMessageContaining("truncated");
        byte[] badState = progress.clone();
        badState[2 + 16] = 9; // after the format, kind, position and duration
        assertThatThrownBy(() -> codec.decodeProgress(badState))
                .isInstanceOf(Json.CodecException.class).hasMessageContaining("unknown state 9");
    }

    @Test
    void roundTripsANotificationStateInEachOfItsShapes() {
        Notification n = new Notification("n-1", "user-12345",
                Notification.Type.NEW_RECOMMENDATION, "Because you watched Fight Club", "Try Se7en",
                Notification.Priority.LOW, 1_765_000_000_000L, "{\"content_id\":\"tmdb:807\"}");
        NotificationState full = NotificationState.EMPTY
                .arrived(n, 1_764_999_000_000L).markRead(new Stamp(HLC, "phone")).dismiss(new Stamp(HLC + 1, "tv"));
        NotificationState readFirst = NotificationState.EMPTY
                .markRead(new Stamp(HLC, "phone"));
        NotificationState bare = NotificationState.EMPTY
                .arrived(new Notification(null, "user-12345",
                        Notification.Type.SOCIAL_UPDATE, "t", "",
                        Notification.Priority.URGENT, null, null), 5L);
        for (var state : List.of(full, readFirst, bare)) {
            assertThat(codec.decodeNotification(codec.encodeNotification(state))).isEqualTo(state);
        }
        assertThatThrownBy(() -> codec.decodeNotification(codec.encodeProgress(LwwRegister.of(
                new PlaybackPosition(1, 2, PlaybackState.PAUSED, null, null), new Stamp(HLC, "tv")))))
                .isInstanceOf(Json.CodecException.class).hasMessageContaining("not a notification");
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPushADeltaToTheWebSocketAsItsTypeAndItsFields() {
        Delta delta = new Delta.Preference("user-12345", HLC, "phone", deltaId(), "subtitles", new PreferenceValue("\"fr\""));
        JsonNode message = Json.parse(DeltaCodec.push(DeltaCodec.encode(delta)).message());
        assertThat(message.path("type").asText()).isEqualTo("preference_update");
        assertThat(message.path("key").asText()).isEqualTo("subtitles");
        assertThat(message.path("delta_id").asText()).isEqualTo(delta.deltaId());
        assertThatThrownBy(() -> DeltaCodec.push("[1]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(Json.CodecException.class);
    }

    @Test
    void shouldRoundTripAPreferenceWhoseValueIsJsonNull() {
        // null is a JSON value like any other: a preference set to it is stored, read and sent on as null
        LwwRegister<PreferenceValue> cleared = LwwRegister.of(new PreferenceValue("null"), new Stamp(HLC, "phone"));
        assertThat(codec.decodePreference(codec.encodePreference(cleared))).isEqualTo(cleared);
        Delta delta = new Delta.Preference("user-12345", HLC, "phone", deltaId(), "subtitles", new PreferenceValue("null"));
        assertThat(DeltaCodec.decode(DeltaCodec.encode(delta))).isEqualTo(delta);
    }

    @Test
    void shouldRoundTripEveryDeltaKindAndKeepEachUnder500Bytes() {
        List<Delta> typical = List.of(
                new Delta.Watchlist("user-12345", HLC, "tv-samsung-living-room", deltaId(), "add", "tmdb:550",
                        List.of("2f1c8a4e-7d1b-4a57-9f0e-3c2b1a0d9e8f"), true, META,
                        List.of("2f1c8a4e-7d1b-4a57-9f0e-3c2b1a0d9e8f"), List.of()),
                new Delta.Progress("user-12345", HLC, "tv-samsung-living-room", deltaId(), "tmdb:550",
                        new PlaybackPosition(1234.5, 8340, PlaybackState.PLAYING, "TV", "netflix")),
                new Delta.Preference("user-12345", HLC, "phone-iphone-15", deltaId(), "subtitle_language",
                        new PreferenceValue(Json.canonical("{\"language\":\"en\",\"size\":\"large\"}"))),
                new Delta.Device("device_online", "user-12345", HLC, "tv-samsung-living-room", deltaId(), TV, true, null,
                        1_763_700_000_000L),
                new Delta.Device("device_offline", "user-12345", HLC, "tv-samsung-living-room", deltaId(), null, false,
                        "timeout", 1_763_700_000_000L),
                new Delta.Device("device_removed", "user-12345", HLC, "tv-samsung-living-room", deltaId(), TV, false,
                        null, 1_763_700_000_000L),
                new Delta.ProgressRemoved("user-12345", HLC, "phone-iphone-15", deltaId(), "tmdb:550"),
                new Delta.Command("remote_command", "user-12345", HLC, "phone-iphone-15", deltaId(),
                        "tv-samsung-living-room", CommandType.LOAD_CONTENT,
                        new PreferenceValue(Json.canonical("{\"content_id\":\"tmdb:550\",\"start_position\":1234.5}")),
                        1_733_500_805_000_000L, null),
                new Delta.Command("command_rejected", "user-12345", HLC, "phone-iphone-15", deltaId(),
                        "tv-samsung-living-room", CommandType.SEEK,
                        new PreferenceValue("{\"position_seconds\":600}"), 1_733_500_805_000_000L, "no_active_content"));

        for (Delta delta : typical) {
            byte[] bytes = DeltaCodec.encode(delta);
            assertThat(bytes.length).as(delta.msgType() + ": " + new String(bytes, StandardCharsets.UTF_8)).isLessThan(500);
            assertThat(DeltaCodec.decode(bytes)).isEqualTo(delta);
            assertThat(DeltaCodec.encode(DeltaCodec.decode(bytes))).isEqualTo(bytes);
        }
    }

    @Test
    void shouldWriteTheProgressDeltaWithTheDerivedFieldsOfTheContract() {
        String json = new String(DeltaCodec.encode(new Delta.Progress("u1", HLC, "tv", "d1", "tmdb:550",
                new PlaybackPosition(5400, 6000, PlaybackState.PAUSED, null, null))), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"completed\":true,\"completion_percent\":0.9,\"content_id\":\"tmdb:550\","
                + "\"delta_id\":\"d1\",\"device_id\":\"tv\",\"duration_seconds\":6000.0,\"hlc\":\"" + HLC + "\","
                + "\"msg_type\":\"watch_progress_update\",\"position_seconds\":5400.0,\"resume_position_seconds\":0.0,"
                + "\"state\":\"Paused\",\"user_id\":\"u1\"}");
    }

    @Test
    void shouldRefuseBytesThatAreNotTheExpectedValue() {
        assertThatThrownBy(() -> codec.decodeProgress("{\"hlc\":\"1\"".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(Json.CodecException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> codec.decodeProgress(("{\"hlc\":\"x\",\"device_id\":\"tv\",\"state\":\"Paused\","
                + "\"position_seconds\":1,\"duration_seconds\":2}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(Json.CodecException.class).hasMessageContaining("'hlc' must be an HLC");
        assertThatThrownBy(() -> DeltaCodec.decode("{\"msg_type\":\"nope\",\"user_id\":\"u\",\"hlc\":\"1\",\"device_id\":\"d\",\"delta_id\":\"x\"}"
                .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("unknown msg_type 'nope'");
    }

    private static String deltaId() {
        return "7-123456789-0"; // partition-offset-index of the input record

    }
}
