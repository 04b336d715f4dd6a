package io.mediagateway.sync.model;

/**
 * How long a device stays online without a heartbeat (contract §5, §12): {@code normalMs} after a join or a
 * foreground heartbeat, {@code backgroundMs} after a heartbeat with {@code "app_state":"background"}.
 */
public record PresenceTimeouts(long normalMs, long backgroundMs) {
    /** {@code SYNC_PRESENCE_BACKGROUND_TIMEOUT_MS}'s default: two of the specification's 5-minute background heartbeats. */
    public static final long DEFAULT_BACKGROUND_MS = 600_000;

    public PresenceTimeouts {
        if (normalMs <= 0 || backgroundMs <= 0) {
            throw new IllegalArgumentException("presence timeouts must be > 0");
        }
    }

    /** {@code normalMs}, and the default background timeout (never shorter than the normal one). */
    public static PresenceTimeouts of(long normalMs) {
        return new PresenceTimeouts(normalMs, Math.max(normalMs, DEFAULT_BACKGROUND_MS));
    }

    /** The timeout that applies to a device whose presence is {@code presence}. */
    public long of(Presence presence) {
        return presence == Presence.BACKGROUND ? backgroundMs : normalMs;
    }
}
