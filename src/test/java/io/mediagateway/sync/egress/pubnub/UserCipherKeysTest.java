package io.mediagateway.sync.egress.pubnub;

import static org.assertj.core.api.Assertions.assertThat;

import com.pubnub.api.crypto.CryptoModule;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Per-user keys (contract §15): derived, separate per user, opened by the SDK's module with the user's key only. */
class UserCipherKeysTest {
    private static final byte[] DELTA = "{\"msg_type\":\"watchlist_delta\",\"user_id\":\"alice\"}".getBytes(StandardCharsets.UTF_8);

    private static String open(String cipherKey, String encrypted) {
        CryptoModule sdk = CryptoModule.createAesCbcCryptoModule(cipherKey, false);
        return new String(sdk.decrypt(Base64.getDecoder().decode(encrypted)), StandardCharsets.UTF_8);
    }

    @Test
    void eachUserHasItsOwnStableKey() {
        UserCipherKeys keys = new UserCipherKeys("secret-1", Optional.empty());
        assertThat(keys.cipherKey("alice")).isEqualTo(new UserCipherKeys("secret-1", Optional.empty()).cipherKey("alice"))
                .isNotEqualTo(keys.cipherKey("bob"))
                .isNotEqualTo(new UserCipherKeys("secret-2", Optional.empty()).cipherKey("alice"))
                .matches("[A-Za-z0-9_-]{43}");
    }

    @Test
    void derivationIsRfc5869HkdfSha256() throws Exception {
        // RFC 5869's HKDF-SHA256 written out with the JDK's HMAC: extract with the salt, expand with the user id.
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(UserCipherKeys.SALT.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] prk = mac.doFinal("secret-1".getBytes(StandardCharsets.UTF_8));
        mac.init(new javax.crypto.spec.SecretKeySpec(prk, "HmacSHA256"));
        mac.update("alice".getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 1);
        byte[] okm = mac.doFinal();
        assertThat(new UserCipherKeys("secret-1", Optional.empty()).cipherKey("alice"))
                .isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(okm));
    }

    @Test
    void theSdkOpensAUsersMessageWithThatUsersKeyAndNoOther() {
        UserCipherKeys keys = new UserCipherKeys("secret-1", Optional.empty());
        String encrypted = keys.encrypt("alice", DELTA);

        assertThat(open(keys.cipherKey("alice"), encrypted)).isEqualTo(new String(DELTA, StandardCharsets.UTF_8));
        String withBobsKey;
        try {
            withBobsKey = open(keys.cipherKey("bob"), encrypted);
        } catch (Exception e) {   // the usual outcome: the SDK's crypto error (bad padding)
            withBobsKey = null;
        }
        assertThat(withBobsKey).isNotEqualTo(new String(DELTA, StandardCharsets.UTF_8));
    }

    @Test
    void duringARolloutBothTheNewAndTheOldKeyDecrypt() {
        UserCipherKeys old = new UserCipherKeys("old-secret", Optional.empty());
        UserCipherKeys rollout = new UserCipherKeys("new-secret", Optional.of("old-secret"));
        String fromAnOldDevice = old.encrypt("alice", DELTA);
        String fromANewDevice = rollout.encrypt("alice", DELTA);

        assertThat(rollout.previousCipherKey("alice")).contains(old.cipherKey("alice"));
        assertThat(rollout.decryptions("alice")).hasSize(2);
        assertThat(rollout.decryptions("alice").get(1).decrypt(Base64.getDecoder().decode(fromAnOldDevice))).isEqualTo(DELTA);
        assertThat(rollout.decryptions("alice").get(0).decrypt(Base64.getDecoder().decode(fromANewDevice))).isEqualTo(DELTA);
        assertThat(open(rollout.cipherKey("alice"), fromANewDevice)).isEqualTo(new String(DELTA, StandardCharsets.UTF_8));
    }
}
