package io.mediagateway.sync.model;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * A place in one user's ordered changes (contract §13): the history's {@code epoch} (drawn from the change
 * that began it and the application, so a history begun again — after an erasure, or in a rebuilt
 * application — is told apart) and the change's sequence number in it, from 1. {@link #START} is before any
 * change.
 *
 * <p>On the wire it is opaque: {@code base64url(epoch, seq, check)}, where {@code check} binds it to its user
 * (the first 6 bytes of SHA-256 over user, epoch and seq). It is not a secret: it grants nothing, it only
 * lets the service tell a cursor of this user from a malformed one or another user's.
 */
public record ChangeCursor(long epoch, long seq) {
    public static final ChangeCursor START = new ChangeCursor(0, 0);
    private static final int CHECK = 6;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    /** One digest per thread: looking the algorithm up for each cursor costs more than hashing it. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    });

    public ChangeCursor {
        if (epoch < 0 || seq < 0) {
            throw new IllegalArgumentException("a cursor's epoch and seq are ≥ 0");
        }
    }

    /** The cursor as the wire carries it for {@code user}. */
    public String encode(String user) {
        ByteBuffer b = ByteBuffer.allocate(16 + CHECK).putLong(epoch).putLong(seq);
        b.put(check(user, epoch, seq));
        return ENCODER.encodeToString(b.array());
    }

    /** The cursor {@code text} names, when it is one of {@code user}'s; empty when malformed or another user's. */
    public static Optional<ChangeCursor> decode(String user, String text) {
        if (text == null || text.length() != 30) {
            return Optional.empty();
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (raw.length != 16 + CHECK) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(raw);
        long epoch = b.getLong();
        long seq = b.getLong();
        if (epoch < 0 || seq < 0 || !MessageDigest.isEqual(check(user, epoch, seq), Arrays.copyOfRange(raw, 16, raw.length))) {
            return Optional.empty();
        }
        return Optional.of(new ChangeCursor(epoch, seq));
    }

    private static byte[] check(String user, long epoch, long seq) {
        MessageDigest sha = SHA256.get();
        sha.reset();
        sha.update(user.getBytes(StandardCharsets.UTF_8));
        sha.update(ByteBuffer.allocate(16).putLong(epoch).putLong(seq).array());
        return Arrays.copyOf(sha.digest(), CHECK);
    }
}
