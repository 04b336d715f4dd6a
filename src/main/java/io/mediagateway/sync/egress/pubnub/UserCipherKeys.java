package io.mediagateway.sync.egress.pubnub;

import com.pubnub.api.crypto.CryptoModule;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * Per-user PubNub message keys (contract §15): each user's {@code cipher_key} is HKDF-SHA256 (RFC 5869, Bouncy
 * Castle's implementation) of {@code SYNC_PUBNUB_USER_KEYS_SECRET} as input key material, the fixed salt
 * {@value #SALT} and the user id as info, 32 bytes written as unpadded base64url (43 characters). Messages are
 * encrypted with the SDK's AES-CBC crypto module under that key, exactly as a device's SDK configured with the
 * same {@code cipherKey} does, so one user's key opens no other user's messages.
 *
 * <p>Rotation: with {@code SYNC_PUBNUB_USER_KEYS_PREVIOUS_SECRET} set to the old secret, messages are encrypted
 * with the new keys while both the new and the old key decrypt ({@link #decryptions}), and a token answer carries
 * the old key too, for the messages devices find in PubNub's history.
 */
public final class UserCipherKeys {
    /** The HKDF salt: names the purpose, so the same secret used elsewhere derives other keys. */
    public static final String SALT = "media-gateway-sync/pubnub-user-key/v1";
    private static final int KEY_BYTES = 32;

    private final byte[] secret;
    private final byte[] previousSecret;

    public UserCipherKeys(String secret, Optional<String> previousSecret) {
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("the user keys secret is empty");
        }
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.previousSecret = previousSecret.map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    /** The user's current key, as a device passes it to its SDK's {@code cipherKey}. */
    public String cipherKey(String userId) {
        return derive(secret, userId);
    }

    /** The user's key under the previous secret, during a rollout. */
    public Optional<String> previousCipherKey(String userId) {
        return previousSecret == null ? Optional.empty() : Optional.of(derive(previousSecret, userId));
    }

    /** The message as a device's SDK publishes it with the user's key: base64 of the AES-CBC crypto module's output. */
    public String encrypt(String userId, byte[] message) {
        return Base64.getEncoder().encodeToString(module(cipherKey(userId)).encrypt(message));
    }

    /** The user's keys that may have encrypted a message, newest first: one module each. */
    public List<CryptoModule> decryptions(String userId) {
        List<CryptoModule> out = new ArrayList<>(2);
        out.add(module(cipherKey(userId)));
        previousCipherKey(userId).ifPresent(k -> out.add(module(k)));
        return out;
    }

    private static CryptoModule module(String cipherKey) {
        return PubNubSink.cryptoModule(cipherKey);
    }

    static String derive(byte[] secret, String userId) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(secret, SALT.getBytes(StandardCharsets.UTF_8), userId.getBytes(StandardCharsets.UTF_8)));
        byte[] key = new byte[KEY_BYTES];
        hkdf.generateBytes(key, 0, KEY_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key);
    }
}
