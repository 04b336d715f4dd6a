package io.mediagateway.sync.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one broadcast channel keeps (contract §14): its newest messages, at most {@link BroadcastChannel.Kind#keepMessages()}
 * and none older than {@link BroadcastChannel.Kind#keepMs()}, oldest first — and, whatever their count, at most
 * {@link #MAX_CHARS} characters of messages (1,000 messages of 30 KiB would be 30 MiB for one channel). Each message has a cursor — its place
 * in {@code sync.broadcasts}, {@code <partition>-<offset>} — and {@link #since} answers what came after one.
 * Immutable: {@link #append} returns a new history.
 */
public record BroadcastHistory(BroadcastChannel channel, List<Entry> entries) {
    /** The most message text one channel keeps (4 Mi characters): the oldest leave first. */
    public static final int MAX_CHARS = 4 << 20;

    /** One kept message: its cursor, when it was published (epoch ms) and the message as canonical JSON. */
    public record Entry(String cursor, long atMs, String json) {
        public Entry {
            Objects.requireNonNull(cursor, "cursor");
            Objects.requireNonNull(json, "json");
        }
    }

    /**
     * The answer to "what came after {@code since}": the messages in order, and whether {@code since} was older than
     * what is kept ({@code reset}: every kept message is given, and some between may be gone) .
     */
    public record Since(List<Entry> entries, boolean reset) {
    }

    public BroadcastHistory {
        Objects.requireNonNull(channel, "channel");
        entries = List.copyOf(entries);
    }

    public static BroadcastHistory empty(BroadcastChannel channel) {
        return new BroadcastHistory(channel, List.of());
    }

    /** The history with {@code entry} appended and what {@code nowMs} and the channel's bounds push out dropped. */
    public BroadcastHistory append(Entry entry, long nowMs) {
        List<Entry> kept = new ArrayList<>(entries.size() + 1);
        long cutoff = nowMs - channel.kind().keepMs();
        for (Entry e : entries) {
            if (e.atMs() >= cutoff) {
                kept.add(e);
            }
        }
        if (entry.atMs() >= cutoff) {
            kept.add(entry);
        }
        int from = Math.max(0, kept.size() - channel.kind().keepMessages());
        long chars = 0;
        for (int i = from; i < kept.size(); i++) {
            chars += kept.get(i).json().length();
        }
        while (chars > MAX_CHARS && from < kept.size() - 1) {
            chars -= kept.get(from++).json().length();
        }
        return new BroadcastHistory(channel, kept.subList(from, kept.size()));
    }

    /** The kept messages not older than the channel's bound at {@code nowMs}. */
    public List<Entry> at(long nowMs) {
        long cutoff = nowMs - channel.kind().keepMs();
        return entries.stream().filter(e -> e.atMs() >= cutoff).toList();
    }

    /**
     * What came after the message at {@code since} (null: everything kept), at {@code nowMs}. A cursor not among the
     * kept messages is older than them (it left the history) or from elsewhere: the answer is then every kept message,
     * with {@code reset}.
     */
    public Since since(String since, long nowMs) {
        List<Entry> kept = at(nowMs);
        if (since == null) {
            return new Since(kept, false);
        }
        for (int i = 0; i < kept.size(); i++) {
            if (kept.get(i).cursor().equals(since)) {
                return new Since(kept.subList(i + 1, kept.size()), false);
            }
        }
        return new Since(kept, true);
    }

    /**
     * The history with {@code entry} as the one message of its interval (trending): intervals of {@code intervalMs}
     * from the epoch, each keeping its newest message — a message of the same interval as the newest kept one takes
     * its place (a cursor of the message replaced then answers with {@code reset}).
     */
    public BroadcastHistory appendNewestPerInterval(Entry entry, long intervalMs, long nowMs) {
        int n = entries.size();
        if (n > 0 && Math.floorDiv(entries.get(n - 1).atMs(), intervalMs) == Math.floorDiv(entry.atMs(), intervalMs)) {
            return new BroadcastHistory(channel, entries.subList(0, n - 1)).append(entry, nowMs);
        }
        return append(entry, nowMs);
    }
}
