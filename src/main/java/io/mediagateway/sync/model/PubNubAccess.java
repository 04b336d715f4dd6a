package io.mediagateway.sync.model;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A user's PubNub channels and what a device's access token may do on them (contract §15): read the user's own
 * {@code user.{id}.sync}, {@code .devices} and {@code .notifications}, {@code global.trending},
 * {@code global.announcements} and the device's region channel; write {@code .sync} and {@code .devices} only
 * when the service takes what devices publish there (ingress). Nothing names another user's channel, so no
 * token reads another user's messages.
 */
public final class PubNubAccess {

    /** A permission of a PubNub Access Manager grant, as the token answer spells it. */
    public enum Permission {
        READ, WRITE;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The kinds of a user's own channels. */
    public enum UserChannelKind {
        SYNC("sync"), DEVICES("devices"), NOTIFICATIONS("notifications");

        private final String suffix;

        UserChannelKind(String suffix) {
            this.suffix = suffix;
        }

        public String channel(String userId) {
            return "user." + userId + "." + suffix;
        }
    }

    /** A user's own channel, read from its name. */
    public record UserChannel(String userId, UserChannelKind kind) {
        /** Whether devices publish events here (the service's ingress reads them). */
        public boolean takesEvents() {
            return kind != UserChannelKind.NOTIFICATIONS;
        }
    }

    private PubNubAccess() {
    }

    /**
     * The channels of a token for {@code userId} on a device of {@code region} (none, or a code
     * {@link BroadcastChannel#region} accepts), in a stable order, with their permissions.
     */
    public static Map<String, Set<Permission>> channels(String userId, Optional<String> region, boolean ingress) {
        if (!Identifiers.isUserId(userId)) {
            throw new IllegalArgumentException("not a user id: " + userId);
        }
        Set<Permission> readWrite = ingress ? EnumSet.of(Permission.READ, Permission.WRITE) : EnumSet.of(Permission.READ);
        Map<String, Set<Permission>> out = new LinkedHashMap<>();
        out.put(UserChannelKind.SYNC.channel(userId), readWrite);
        out.put(UserChannelKind.DEVICES.channel(userId), readWrite);
        out.put(UserChannelKind.NOTIFICATIONS.channel(userId), EnumSet.of(Permission.READ));
        out.put(BroadcastChannel.TRENDING, EnumSet.of(Permission.READ));
        out.put(BroadcastChannel.ANNOUNCEMENTS, EnumSet.of(Permission.READ));
        region.flatMap(BroadcastChannel::region).ifPresent(c -> out.put(c.name(), EnumSet.of(Permission.READ)));
        out.replaceAll((k, v) -> Collections.unmodifiableSet(v));
        return Collections.unmodifiableMap(out);
    }

    /** The user and kind of {@code user.{id}.sync|devices|notifications}; empty for any other name. */
    public static Optional<UserChannel> userChannel(String channel) {
        if (channel == null || !channel.startsWith("user.")) {
            return Optional.empty();
        }
        int dot = channel.lastIndexOf('.');
        if (dot <= 5) {
            return Optional.empty();
        }
        String user = channel.substring(5, dot);
        String suffix = channel.substring(dot + 1);
        if (!Identifiers.isUserId(user)) {
            return Optional.empty();
        }
        for (UserChannelKind kind : UserChannelKind.values()) {
            if (kind.suffix.equals(suffix)) {
                return Optional.of(new UserChannel(user, kind));
            }
        }
        return Optional.empty();
    }

    /**
     * A token PubNub granted: its text, its life ({@code expiresAtMs}), who it is bound to ({@code uuid}, the user id
     * the device must use as its PubNub user id), its channels, and the user's message keys when messages are
     * encrypted per user ({@code previousCipherKey} during a key rollout).
     */
    public record Grant(String token, long grantedAtMs, int ttlMinutes, String subscribeKey, String uuid,
                        Map<String, Set<Permission>> channels, Optional<String> cipherKey,
                        Optional<String> previousCipherKey) {
        public long expiresAtMs() {
            return grantedAtMs + ttlMinutes * 60_000L;
        }
    }

    /** What asking for a token gave: a grant, PubNub's refusal, or no answer (PubNub not configured or not reached). */
    public sealed interface Outcome {
        record Granted(Grant grant) implements Outcome {
        }

        /** PubNub answered, and not with a token ({@code status} its HTTP status). */
        record Refused(int status, String message) implements Outcome {
        }

        /** No token can be had now: PubNub is not configured, or did not answer. */
        record Unavailable(String message) implements Outcome {
        }
    }
}
