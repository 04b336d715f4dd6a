package io.mediagateway.sync.model;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A broadcast channel of contract §14, by its PubNub name: {@code global.announcements}, {@code global.trending},
 * {@code region.{code}.updates} or {@code platform.{id}.catalog}. Who may post where: an {@code admin} anywhere
 * but {@code global.trending}; a {@code service} on {@code region.*} and {@code platform.*}; {@code global.trending}
 * only the service itself, from the analytics. Each kind keeps its own history (count and age).
 *
 * @param name the channel's full name, as PubNub and the API spell it
 */
public record BroadcastChannel(String name, Kind kind) {
    public static final String ANNOUNCEMENTS = "global.announcements";
    public static final String TRENDING = "global.trending";
    /**
     * A region code or platform id: 1-32 of {@code a-z A-Z 0-9 _ -}. PubNub forbids {@code , : * / \} and
     * whitespace in channel names and caps them at 92 characters; this rule keeps well inside both.
     */
    public static final String SEGMENT_RULE = "1-32 characters of a-z, A-Z, 0-9, '_' and '-'";
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    /** The kinds of channel, with what each keeps (contract §14). */
    public enum Kind {
        ANNOUNCEMENTS(100, 30), REGION(500, 7), PLATFORM(1_000, 14), TRENDING(24, 1);

        private final int keepMessages;
        private final int keepDays;

        Kind(int keepMessages, int keepDays) {
            this.keepMessages = keepMessages;
            this.keepDays = keepDays;
        }

        /** At most this many messages are kept… */
        public int keepMessages() {
            return keepMessages;
        }

        /** …and none older than this many days. */
        public long keepMs() {
            return keepDays * 86_400_000L;
        }
    }

    /** Who posts: the roles of a service token (contract §14). */
    public enum Role {
        ADMIN, SERVICE
    }

    /** The channel named {@code name}, or empty when it is none of the four kinds (or breaks their rules). */
    public static Optional<BroadcastChannel> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        if (name.equals(ANNOUNCEMENTS)) {
            return Optional.of(new BroadcastChannel(name, Kind.ANNOUNCEMENTS));
        }
        if (name.equals(TRENDING)) {
            return Optional.of(new BroadcastChannel(name, Kind.TRENDING));
        }
        if (name.startsWith("region.") && name.endsWith(".updates")) {
            return segment(name, "region.", ".updates").map(s -> new BroadcastChannel(name, Kind.REGION));
        }
        if (name.startsWith("platform.") && name.endsWith(".catalog")) {
            return segment(name, "platform.", ".catalog").map(s -> new BroadcastChannel(name, Kind.PLATFORM));
        }
        return Optional.empty();
    }

    /** The channel a device of {@code region} follows. */
    public static Optional<BroadcastChannel> region(String region) {
        return parse("region." + region + ".updates");
    }

    private static Optional<String> segment(String name, String prefix, String suffix) {
        if (name.length() < prefix.length() + suffix.length()) {
            return Optional.empty();
        }
        String segment = name.substring(prefix.length(), name.length() - suffix.length());
        return SEGMENT.matcher(segment).matches() ? Optional.of(segment) : Optional.empty();
    }

    /** Whether every session follows it ({@code global.announcements}, {@code global.trending}). */
    public boolean global() {
        return kind == Kind.ANNOUNCEMENTS || kind == Kind.TRENDING;
    }

    /** Whether a device may follow it by asking ({@code region.*}, {@code platform.*}). */
    public boolean followable() {
        return kind == Kind.REGION || kind == Kind.PLATFORM;
    }

    /** Whether {@code role} may post here ({@code global.trending} is the service's own). */
    public boolean postableBy(Role role) {
        return switch (kind) {
            case ANNOUNCEMENTS -> role == Role.ADMIN;
            case REGION, PLATFORM -> true;
            case TRENDING -> false;
        };
    }

    /** The rule a channel name must follow, for error messages. */
    public static String rule() {
        return "'" + ANNOUNCEMENTS + "', 'region.{code}.updates' or 'platform.{id}.catalog', where {code} and {id} are "
                + SEGMENT_RULE;
    }
}
