package io.mediagateway.sync.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.model.ChangeCursor;
import io.mediagateway.sync.topology.HistoryKeys;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads a user's change history (contract §13): the changes after a cursor, in order, or a reset when the
 * cursor is older than what is kept (or of a history begun again since). One range read of at most
 * {@code limit} entries, whatever the user holds.
 */
public final class ChangeHistory {
    /** The default and largest page of {@code GET /api/v1/sync/changes}. */
    public static final int MAX_LIMIT = 500;

    /** What a read of the changes since a cursor found. */
    public sealed interface Result {
    }

    /**
     * The changes after the cursor (deltas as {@code sync.state-deltas} carries them, each with its
     * {@code cursor}); {@code cursor} is the last one read, {@code more} whether newer ones remain.
     */
    public record Changes(List<JsonNode> changes, ChangeCursor cursor, boolean more) implements Result {
    }

    /** The cursor is older than the history: the client needs a snapshot. */
    public record Reset() implements Result {
    }

    /** A read with a cursor ahead of the user's changes: it was never given for this user's history. */
    public static final class CursorAheadException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CursorAheadException(String message) {
            super(message, null, false, false);
        }
    }

    private ChangeHistory() {
    }

    /** The cursor of the user's newest change ({@link ChangeCursor#START} when none): what a snapshot carries. */
    public static ChangeCursor latest(ReadOnlyKeyValueStore<String, byte[]> store, String user) {
        try (KeyValueIterator<String, byte[]> it = store.reverseRange(HistoryKeys.entry(user, 0),
                HistoryKeys.entry(user, Long.MAX_VALUE))) {
            if (!it.hasNext()) {
                return ChangeCursor.START;
            }
            KeyValue<String, byte[]> last = it.next();
            return new ChangeCursor(HistoryKeys.epoch(last.value), HistoryKeys.seq(last.key));
        }
    }

    /**
     * The changes after {@code since}, at most {@code limit}. A {@code remote_command} whose {@code expires_at}
     * has passed by {@code nowMs} is skipped (a device reconnecting late must not act on it); the cursor still
     * moves past it.
     *
     * @throws CursorAheadException when {@code since} names a change not yet made
     */
    public static Result since(ReadOnlyKeyValueStore<String, byte[]> store, String user, ChangeCursor since, int limit,
                               long nowMs) {
        HistoryKeys.Meta meta = HistoryKeys.bounds(store, user);
        if (meta == null) {
            return since.equals(ChangeCursor.START) ? new Changes(List.of(), since, false) : new Reset();
        }
        ChangeCursor from = since;
        if (since.equals(ChangeCursor.START)) {
            // A snapshot taken before the user's first change: everything, if nothing has been dropped yet.
            if (meta.firstSeq() > 1) {
                return new Reset();
            }
            from = new ChangeCursor(meta.epoch(), 0);
        } else if (since.epoch() != meta.epoch() || since.seq() < meta.firstSeq() - 1) {
            return new Reset();
        } else if (since.seq() > meta.lastSeq()) {
            throw new CursorAheadException("the cursor is ahead of user " + user + "'s changes (it names change " + since.seq()
                    + "; the newest is " + meta.lastSeq() + ")");
        }
        long to = Math.min(meta.lastSeq(), from.seq() + limit);
        List<JsonNode> changes = new ArrayList<>();
        long last = from.seq();
        if (to > from.seq()) {
            try (KeyValueIterator<String, byte[]> it = store.range(HistoryKeys.entry(user, from.seq() + 1),
                    HistoryKeys.entry(user, to))) {
                while (it.hasNext()) {
                    KeyValue<String, byte[]> kv = it.next();
                    JsonNode delta = Json.parse(HistoryKeys.delta(kv.value));
                    if (!expiredCommand(delta, nowMs)) {
                        changes.add(delta);
                    }
                }
            }
            last = to;
        }
        return new Changes(changes, new ChangeCursor(meta.epoch(), last), last < meta.lastSeq());
    }

    private static boolean expiredCommand(JsonNode delta, long nowMs) {
        return "remote_command".equals(delta.path("msg_type").asText())
                && delta.path("expires_at").isNumber() && delta.get("expires_at").asLong() <= nowMs * 1000;
    }
}
