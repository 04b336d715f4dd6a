package io.mediagateway.sync.egress.pubnub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.deadletter.RejectReason;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What devices' PubNub messages become (contract §15): events of the channel's user, dead letters with reasons, or nothing. */
class IngressMessagesTest {
    private static final String SERVICE = "media-gateway-sync.service";
    /** The PubNub specification's watchlist message, as a device publishes it. */
    private static final String ADD = "{\"msg_type\":\"watchlist_update\",\"operation\":\"Add\",\"content_id\":\"tmdb:550\","
            + "\"device_id\":\"phone-1\",\"timestamp\":1733500800000000}";
    private final UserCipherKeys keys = new UserCipherKeys("user-keys", Optional.of("old-user-keys"));
    private final IngressMessages plain = new IngressMessages(SERVICE, Optional.empty(), Optional.empty());
    private final IngressMessages encrypted = new IngressMessages(SERVICE, Optional.of(keys), Optional.empty());

    private static IngressMessages.Received on(String channel, String json) {
        return new IngressMessages.Received(channel, "alice", 17335008000000001L, json);
    }

    private static String sealed(UserCipherKeys keys, String user, String json) {
        return Json.mapper().valueToTree(keys.encrypt(user, json.getBytes(StandardCharsets.UTF_8))).toString();
    }

    private static JsonNode event(IngressMessages.Outcome outcome) {
        assertThat(outcome).isInstanceOf(IngressMessages.Event.class);
        return Json.parse(((IngressMessages.Event) outcome).record());
    }

    private static void rejected(IngressMessages.Outcome outcome, RejectReason reason, String mentions) {
        assertThat(outcome).isInstanceOfSatisfying(IngressMessages.Rejected.class, r -> {
            assertThat(r.reason()).isEqualTo(reason);
            assertThat(r.why()).contains(mentions);
        });
    }

    @Test
    void theSpecificationsMessageBecomesAnEventOfTheChannelsUserWithTheTimetokenAsMessageId() {
        IngressMessages.Outcome outcome = plain.read(on("user.alice.sync", ADD));

        JsonNode e = event(outcome);
        assertThat(((IngressMessages.Event) outcome).userId()).isEqualTo("alice");
        assertThat(e.get("user_id").asText()).isEqualTo("alice");
        assertThat(e.get("message_id").asText()).isEqualTo("17335008000000001");
        assertThat(e.get("content_id").asText()).isEqualTo("tmdb:550");
        assertThat(event(plain.read(on("user.alice.devices", "{\"msg_type\":\"device_heartbeat\",\"device_id\":\"tv-1\","
                + "\"device_type\":\"TV\",\"platform\":\"Tizen\"}"))).get("msg_type").asText()).isEqualTo("device_heartbeat");
    }

    @Test
    void garbageAnotherUsersIdAndOversizedMessagesAreRefusedWithTheirReason() {
        rejected(plain.read(on("user.alice.sync", "\"hello\"")), RejectReason.INVALID_JSON, "JSON object");
        rejected(plain.read(on("user.alice.sync", "{\"msg_type\":\"launch_missiles\",\"device_id\":\"p\"}")),
                RejectReason.UNKNOWN_MSG_TYPE, "launch_missiles");
        rejected(plain.read(on("user.alice.sync", ADD.replace("{", "{\"user_id\":\"bob\","))), RejectReason.USER_MISMATCH, "bob");
        rejected(plain.read(on("user.alice.sync", ADD.replace("}", ",\"pad\":\"" + "x".repeat(33 * 1024) + "\"}"))),
                RejectReason.OVERSIZED, "limit");
        assertThat(event(plain.read(on("user.alice.sync", ADD.replace("{", "{\"user_id\":\"alice\",")))).get("user_id").asText())
                .isEqualTo("alice");
    }

    @Test
    void withUserKeysOnlyTheUsersOwnKeyOpensAMessage() {
        assertThat(event(encrypted.read(on("user.alice.sync", sealed(keys, "alice", ADD)))).get("content_id").asText())
                .isEqualTo("tmdb:550");
        UserCipherKeys old = new UserCipherKeys("old-user-keys", Optional.empty());
        assertThat(event(encrypted.read(on("user.alice.sync", sealed(old, "alice", ADD))))).as("the previous key, in a rollout")
                .isNotNull();

        rejected(encrypted.read(on("user.alice.sync", sealed(keys, "bob", ADD))), RejectReason.UNDECRYPTABLE, "user's key");
        rejected(encrypted.read(on("user.alice.sync", ADD)), RejectReason.UNDECRYPTABLE, "plain JSON");
        rejected(encrypted.read(on("user.alice.sync", "\"not base64 at all!\"")), RejectReason.UNDECRYPTABLE, "base64");
        rejected(encrypted.read(on("user.alice.sync", sealed(keys, "alice", "[1,2"))), RejectReason.UNDECRYPTABLE, "user's key");
    }

    @Test
    void theServicesOwnPublishesAndOtherChannelsAreNotEvents() {
        assertThat(plain.read(new IngressMessages.Received("user.alice.sync", SERVICE, 1, "{\"msg_type\":\"watchlist_delta\"}")))
                .isInstanceOf(IngressMessages.Ignored.class);
        assertThat(plain.read(on("user.alice.notifications", ADD))).isInstanceOf(IngressMessages.Ignored.class);
        assertThat(plain.read(on("user.alice.sync", "{\"msg_type\":\"watchlist_update\",\"user_id\":\"alice\","
                + "\"device_id\":\"tv-1\",\"delta_id\":\"0-1-0\",\"operation\":\"Add\",\"content_id\":\"tmdb:550\"}")))
                .as("a delta of the service's, published under another name").isInstanceOf(IngressMessages.Ignored.class);
        assertThat(encrypted.read(on("user.alice.sync", sealed(keys, "alice", "{\"msg_type\":\"watch_progress_update\","
                + "\"delta_id\":\"0-2-0\",\"device_id\":\"tv-1\"}")))).isInstanceOf(IngressMessages.Ignored.class);
        assertThat(plain.read(on("user.alice", ADD))).isInstanceOf(IngressMessages.Ignored.class);
        assertThat(plain.read(on("user.al ice.sync", ADD))).isInstanceOf(IngressMessages.Ignored.class);
    }

    @Test
    void cursorsPassOverWhatWasTakenPerChannelAndStartNewChannelsAtTheSubscription() {
        IngressCursors cursors = new IngressCursors();
        cursors.load("*", "100");
        cursors.load("user.alice.sync", "150");
        cursors.load("user.gone.sync", "20");
        cursors.load("user.gone.sync", null);

        assertThat(cursors.isNew("user.alice.sync", 150)).isFalse();
        assertThat(cursors.isNew("user.alice.sync", 151)).isTrue();
        assertThat(cursors.isNew("user.bob.sync", 100)).isFalse();
        assertThat(cursors.isNew("user.bob.sync", 101)).isTrue();
        cursors.taken("user.bob.sync", 120, false);
        assertThat(cursors.subscription()).as("history does not move the subscription").isEqualTo(100);
        cursors.taken("user.bob.sync", 130, true);
        assertThat(cursors.subscription()).isEqualTo(130);
        assertThat(cursors.activeSince(125)).containsExactly("user.alice.sync", "user.bob.sync");
        assertThat(cursors.forgetQuietBefore(140)).containsExactly("user.bob.sync");
        assertThat(cursors.isNew("user.bob.sync", 130)).isFalse();
    }
}
