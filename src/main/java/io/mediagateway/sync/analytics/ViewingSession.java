package io.mediagateway.sync.analytics;

import io.mediagateway.sync.model.PlaybackState;
import java.nio.ByteBuffer;

/**
 * What the analytics remember of one user watching one content: the last progress event taken into
 * account and where the viewing session stands. Stored as 26 bytes.
 *
 * @param lastHlc        the event HLC of the last event counted (older or equal ones are repeats)
 * @param lastTimeMs     its event time
 * @param lastPositionMs its position
 * @param lastState      its player state
 * @param open           a session is under way (false once stopped)
 * @param completed      the session has reached 90 % (counted once)
 */
record ViewingSession(long lastHlc, long lastTimeMs, long lastPositionMs, PlaybackState lastState, boolean open,
                      boolean completed) {
    private static final int BYTES = 3 * Long.BYTES + 2;

    byte[] encode() {
        byte flags = (byte) ((open ? 1 : 0) | (completed ? 2 : 0));
        return ByteBuffer.allocate(BYTES).putLong(lastHlc).putLong(lastTimeMs).putLong(lastPositionMs)
                .put((byte) lastState.ordinal()).put(flags).array();
    }

    static ViewingSession decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long hlc = b.getLong();
        long time = b.getLong();
        long position = b.getLong();
        PlaybackState state = PlaybackState.values()[b.get()];
        byte flags = b.get();
        return new ViewingSession(hlc, time, position, state, (flags & 1) != 0, (flags & 2) != 0);
    }
}
