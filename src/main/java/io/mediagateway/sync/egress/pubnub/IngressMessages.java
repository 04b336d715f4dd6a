package io.mediagateway.sync.egress.pubnub;

import com.pubnub.api.crypto.CryptoModule;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.deadletter.RejectReason;
import io.mediagateway.sync.ingest.EventParser;
import io.mediagateway.sync.ingest.RejectedException;
import io.mediagateway.sync.model.PubNubAccess;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * What a message a device published on PubNub becomes (contract §15): an event for {@code sync.device-events} keyed
 * by the channel's user, validated by the one event parser; a dead letter with the reason; or nothing (the service's
 * own publishes, channels that carry no events).
 *
 * <p>Encryption: with per-user keys a message must be the user's key's encryption (the new or, during a rollout, the
 * previous key); with {@code PUBNUB_CIPHER_KEY} alone, that key's; else plain JSON. What no key opens is
 * {@code undecryptable}.
 */
final class IngressMessages {

    /** A message as PubNub delivered it: its channel, publisher (PubNub user id), timetoken and JSON text. */
    record Received(String channel, String publisher, long timetoken, String json) {
        /** The publish time, in epoch milliseconds (a timetoken counts 100 ns). */
        long epochMs() {
            return timetoken / 10_000L;
        }
    }

    sealed interface Outcome {
    }

    /** Produce {@code record} to {@code sync.device-events} with key {@code userId}. */
    record Event(String userId, byte[] record) implements Outcome {
    }

    /** Dead-letter the message (its text as received) with this reason. */
    record Rejected(String userId, RejectReason reason, String why) implements Outcome {
    }

    /** Not an event: the service's own publish, or a channel devices do not publish events on. */
    record Ignored(String why) implements Outcome {
    }

    private final String serviceUuid;
    private final Optional<UserCipherKeys> userKeys;
    private final Optional<CryptoModule> channelKey;
    private final EventParser parser = new EventParser();

    IngressMessages(String serviceUuid, Optional<UserCipherKeys> userKeys, Optional<String> cipherKey) {
        this.serviceUuid = serviceUuid;
        this.userKeys = userKeys;
        this.channelKey = cipherKey.map(PubNubSink::cryptoModule);
    }

    Outcome read(Received m) {
        if (serviceUuid.equals(m.publisher())) {
            return new Ignored("the service's own publish");
        }
        Optional<PubNubAccess.UserChannel> channel = PubNubAccess.userChannel(m.channel());
        if (channel.isEmpty() || !channel.get().takesEvents()) {
            return new Ignored("not a channel devices publish events on");
        }
        String user = channel.get().userId();
        try {
            byte[] plain = plain(user, m.json());
            if (isDelta(plain)) {
                // The service's own delta, whatever its publisher says (a second guard: events never carry delta_id).
                return new Ignored("a delta of the service's, not an event");
            }
            EventParser.Accepted accepted = parser.acceptPublished(plain, user, Long.toString(m.timetoken()));
            return new Event(user, accepted.record());
        } catch (RejectedException e) {
            return new Rejected(user, e.reason(), e.getMessage());
        }
    }

    /** The message's JSON, decrypted with whichever of the keys it must be encrypted with opens it. */
    private byte[] plain(String user, String json) {
        List<CryptoModule> keys = userKeys.map(k -> k.decryptions(user)).or(() -> channelKey.map(List::of)).orElse(List.of());
        if (keys.isEmpty()) {
            return json.getBytes(StandardCharsets.UTF_8);
        }
        String which = userKeys.isPresent() ? "the user's key (cipher_key of POST /api/v1/pubnub/token)" : "PUBNUB_CIPHER_KEY";
        byte[] sealed;
        try {
            var node = Json.parse(json);
            if (!node.isTextual()) {
                throw new RejectedException(RejectReason.UNDECRYPTABLE, "messages on users' channels are encrypted with "
                        + which + "; this one is plain JSON");
            }
            sealed = Base64.getDecoder().decode(node.asText());
        } catch (Json.CodecException | IllegalArgumentException e) {
            throw new RejectedException(RejectReason.UNDECRYPTABLE, "not an encrypted message (base64 in a JSON string): "
                    + e.getMessage());
        }
        for (CryptoModule key : keys) {
            byte[] opened = open(key, sealed);
            if (opened != null && isJson(opened)) {
                return opened;
            }
        }
        throw new RejectedException(RejectReason.UNDECRYPTABLE, "the message is not encrypted with " + which);
    }

    private static byte[] open(CryptoModule key, byte[] sealed) {
        try {
            return key.decrypt(sealed);
        } catch (Exception e) {   // the SDK's crypto error (bad padding: another key), thrown unchecked from Kotlin
            return null;
        }
    }

    private static boolean isDelta(byte[] plain) {
        try {
            var node = Json.parse(plain);
            return node.isObject() && node.has("delta_id") && node.has("msg_type");
        } catch (RuntimeException e) {
            return false;   // not JSON: the parser says why
        }
    }

    /** A wrong key's output is noise; one that happens to unpad is still not JSON. */
    private static boolean isJson(byte[] bytes) {
        try {
            Json.parse(bytes);
            return true;
        } catch (Json.NestingException e) {
            return true;   // JSON, too deep: the parser says so
        } catch (RuntimeException e) {
            return false;
        }
    }
}
