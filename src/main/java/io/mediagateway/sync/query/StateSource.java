package io.mediagateway.sync.query;

import io.mediagateway.sync.ingest.LogPosition;
import java.time.Duration;
import java.util.Optional;

/** Where a user's state can be read: this instance's stores, another instance, or nowhere right now. */
public interface StateSource {

    /** Where to read {@code userId}. */
    Location locate(String userId);

    /**
     * The base URLs of the other instances last seen in the group (each may hold a copy of any user: an active
     * task or a standby), for a read that no copy here and no answer of the owner could serve.
     */
    default java.util.List<String> peers() {
        return java.util.List.of();
    }

    /**
     * Whether the store holding {@code userId} here has processed the write behind {@code token} already:
     * a recent answer, no waiting.
     */
    boolean hasProcessed(String userId, LogPosition token);

    /** Waits until the store holding {@code userId} here has processed the write behind {@code token}. */
    WriteWait awaitWrite(String userId, LogPosition token, Duration timeout) throws InterruptedException;

    /** What {@link #awaitWrite} found. */
    enum WriteWait {
        /** The write is in the store. */
        PROCESSED,
        /** Not within the timeout. */
        TIMED_OUT,
        /** The log does not reach the token's position: no write of this log is behind it. */
        NOT_IN_LOG
    }

    /** The answer of {@link #locate}. */
    sealed interface Location {
    }

    /** Read here; {@code staleness} says why the copy may be behind (a standby, a restoring store), if it may. */
    record Local(UserStateReader.Stores stores, Optional<String> staleness) implements Location {
    }

    /** Another instance holds the user: ask it; if it does not answer, {@code fallback} (a local stale copy) may. */
    record Remote(String baseUrl, Optional<Local> fallback) implements Location {
    }

    /** No copy can answer now (all are rebalancing or restoring). */
    record Unavailable(String reason) implements Location {
    }
}
