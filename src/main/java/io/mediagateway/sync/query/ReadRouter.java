package io.mediagateway.sync.query;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.ingest.LogPosition;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * "Where is this user, and who answers": every read of a user's state goes through here and comes back
 * as an explicit {@link Outcome} — found here (fresh or stale, with why), absent, relayed from the owner,
 * not ready (with when to retry), or refused — with no HTTP server types; the web front end maps
 * outcomes to responses.
 *
 * <p>The policy, in order: ask the owner when another instance holds the user (unless this request was
 * itself forwarded); a local standby or restoring copy answers when the owner cannot, flagged stale, but
 * never a read that must see a write ({@code after}); a store that closes under a read (a task moving) is
 * looked for again for a moment; when still nothing here or at the owner can answer, the other instances are
 * asked in turn, each answering from its own copy (a standby, flagged stale), in rounds with the store here looked at
 * between two while the read's budget lasts — a read fails only when no copy anywhere answers within it, and then
 * says what each other instance answered; a read with {@code after} waits for its write, holding one of a bounded
 * number of waiting places, and is refused at once when none is free.
 */
public final class ReadRouter {
    public static final Duration READ_YOUR_WRITES_WAIT = Duration.ofSeconds(5);
    /** Reads that may wait for their write at once, by default; more are refused at once instead of holding threads. */
    public static final int DEFAULT_MAX_WAITING_READS = 64;
    /** How long a read looks for a user's store again when it closes under the read, and how often. */
    public static final Duration STORE_MOVE_WAIT = Duration.ofSeconds(2);
    static final Duration STORE_MOVE_RETRY = Duration.ofMillis(50);
    /** The most a plain read spends before it asks other instances' copies no more (the owner's own wait included). */
    static final Duration READ_BUDGET = Duration.ofSeconds(8);
    /** Between two rounds of asking the other instances' copies (each of which answered 503 or nothing). */
    static final Duration PEER_ROUND_PAUSE = Duration.ofMillis(200);
    /** Less than this left of the budget: no other instance is asked (it could not answer in time). */
    private static final long MIN_ASK_NANOS = Duration.ofMillis(100).toNanos();

    private final StateSource state;
    private final UserStateReader reader;
    private final LongSupplier wallClockMs;
    private final OwnerClient owners = new OwnerClient();
    private final Semaphore waitingReads;

    public ReadRouter(StateSource state, UserStateReader reader, LongSupplier wallClockMs, int maxWaitingReads) {
        this.state = state;
        this.reader = reader;
        this.wallClockMs = wallClockMs;
        this.waitingReads = new Semaphore(maxWaitingReads);
    }

    /** One view of a user's state, read from a copy of the stores. */
    @FunctionalInterface
    public interface View {
        Optional<ObjectNode> read(UserStateReader.Stores stores, String user);
    }

    /**
     * How to ask the owner for the same read: the path and query as received, with the caller's
     * credentials. Absent when the request was itself forwarded (the owner answers from what it has).
     */
    public record Forward(String pathAndQuery, String authorization) {
    }

    /** The outcome of a read. */
    public sealed interface Outcome {
    }

    /** Read here; {@code staleness} says why the copy may be behind the owner, when it may. */
    public record Found(ObjectNode body, Optional<String> staleness) implements Outcome {
    }

    /** The user has no such item. */
    public record Absent(String message) implements Outcome {
    }

    /** The owner answered: its answer, as it is. */
    public record Relayed(int status, byte[] body, Optional<String> staleness, Optional<String> retryAfter) implements Outcome {
    }

    /** Nobody can answer now; {@code code} is {@code unavailable} or {@code not_yet_visible}. */
    public record NotReady(String code, String message, int retryAfterSeconds) implements Outcome {
    }

    /** The read names a write the log never held. */
    public record UnknownWrite(String message) implements Outcome {
    }

    /** Reads {@code view} of {@code user}, after the write at {@code after} when given. */
    public Outcome read(String user, Optional<LogPosition> after, View view, Optional<Forward> forward)
            throws InterruptedException {
        // One budget for the whole read — the owner, the store here, the other instances' copies: a peer or an owner
        // that hangs (cut off, frozen, dying) must not keep the caller past it.
        long deadline = System.nanoTime() + READ_BUDGET.toNanos();
        Outcome outcome = readHereOrAtOwner(user, after, view, forward, deadline);
        if (!noAnswer(outcome) || after.isPresent() || forward.isEmpty()) {
            return outcome;
        }
        // The store here is moving or restoring and the owner did not answer: another instance's copy may. They are
        // asked in rounds while the budget lasts, the store here looked at again between two: in a rebalance each copy
        // may be unreadable for a moment (a task recycled from standby to active, a restore finishing), not all at once.
        Map<String, String> unanswered = new LinkedHashMap<>();
        while (true) {
            List<String> peers = state.peers();
            for (String peer : peers) {
                long left = deadline - System.nanoTime();
                if (left < MIN_ASK_NANOS) {
                    return withWhy(outcome, unanswered);
                }
                Optional<HttpResponse<byte[]>> answer = owners.get(peer + forward.get().pathAndQuery(),
                        forward.get().authorization(), Duration.ofNanos(Math.min(left, OwnerClient.TIMEOUT.toNanos())));
                if (answer.isPresent() && answer.get().statusCode() != 503) {
                    return relayed(answer.get());
                }
                unanswered.put(peer, answer.map(r -> "503 " + abbreviated(r.body())).orElse("no answer"));
            }
            if (peers.isEmpty() || deadline - System.nanoTime() < PEER_ROUND_PAUSE.toNanos() + MIN_ASK_NANOS) {
                return withWhy(outcome, unanswered);
            }
            Thread.sleep(PEER_ROUND_PAUSE.toMillis());
            try {
                Outcome here = readOnce(user, after, view, Optional.empty(), deadline);
                if (!noAnswer(here)) {
                    return here;
                }
            } catch (InvalidStateStoreException stillMoving) {
                // not yet: the other copies again
            }
        }
    }

    private static boolean noAnswer(Outcome outcome) {
        return outcome instanceof NotReady n && n.code().equals("unavailable")
                || outcome instanceof Relayed r && r.status() == 503;
    }

    private static Relayed relayed(HttpResponse<byte[]> r) {
        return new Relayed(r.statusCode(), r.body(), r.headers().firstValue(OwnerClient.STALENESS),
                r.headers().firstValue("Retry-After"));
    }

    /** A read no copy answered says what each other instance answered, for whoever looks into it. */
    private static Outcome withWhy(Outcome outcome, Map<String, String> unanswered) {
        if (!(outcome instanceof NotReady n) || unanswered.isEmpty()) {
            return outcome;
        }
        StringBuilder why = new StringBuilder(n.message()).append(" (the other instances' copies:");
        unanswered.forEach((peer, answer) -> why.append(' ').append(peer).append(' ').append(answer).append(';'));
        why.setLength(why.length() - 1);
        return new NotReady(n.code(), why.append(')').toString(), n.retryAfterSeconds());
    }

    private static String abbreviated(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ").trim();
        return text.length() <= 160 ? text : text.substring(0, 160) + "…";
    }

    private Outcome readHereOrAtOwner(String user, Optional<LogPosition> after, View view, Optional<Forward> forward,
                                      long deadline) throws InterruptedException {
        long moveDeadline = Math.min(System.nanoTime() + STORE_MOVE_WAIT.toNanos(), deadline);
        // The owner is asked once per read: when it did not answer, asking it again while the store here moves would
        // spend the budget the other copies need.
        Optional<Forward> askOwner = forward;
        while (true) {
            try {
                return readOnce(user, after, view, askOwner, deadline);
            } catch (InvalidStateStoreException e) {
                // The store closed under the read: its task is moving (a rebalance, a standby promoted to
                // active, a restored task handed to its thread). It is back within moments, often on this
                // very instance: look for the user again before answering 503.
                if (System.nanoTime() > moveDeadline) {
                    return new NotReady("unavailable", "the user's store is moving; retry", 1);
                }
                askOwner = Optional.empty();
                Thread.sleep(STORE_MOVE_RETRY.toMillis());
            }
        }
    }

    private Outcome readOnce(String user, Optional<LogPosition> after, View view, Optional<Forward> forward,
                             long deadline) throws InterruptedException {
        StateSource.Location location = state.locate(user);
        if (location instanceof StateSource.Remote remote) {
            // An owner that is restoring answers 503; a standby here answers instead (flagged stale) — but not
            // a read-your-writes read, which a standby behind the owner could not honour.
            boolean standbyMayAnswer = remote.fallback().isPresent() && after.isEmpty();
            long left = deadline - System.nanoTime();
            if (forward.isPresent() && left >= MIN_ASK_NANOS) {
                Optional<HttpResponse<byte[]>> answer = owners.get(remote.baseUrl() + forward.get().pathAndQuery(),
                        forward.get().authorization(), Duration.ofNanos(Math.min(left, OwnerClient.TIMEOUT.toNanos())));
                boolean ownerUnavailable = answer.isPresent() && answer.get().statusCode() == 503;
                if (answer.isPresent() && !(standbyMayAnswer && ownerUnavailable)) {
                    return relayed(answer.get());
                }
            }
            if (remote.fallback().isPresent()) {
                location = remote.fallback().get();
            }
        }
        if (after.isPresent() && location instanceof StateSource.Local copy && copy.staleness().isPresent()) {
            // A committed write is in the owner's stores, not necessarily yet in a standby or restoring copy.
            return new NotReady("unavailable", "only a stale copy of this user is reachable, and a read with 'after' "
                    + "needs the owner; retry", 1);
        }
        if (!(location instanceof StateSource.Local local)) {
            String reason = location instanceof StateSource.Unavailable u ? u.reason()
                    : "the instance holding this user did not answer";
            return new NotReady("unavailable", reason, 1);
        }
        if (after.isPresent() && !state.hasProcessed(user, after.get())) {
            Optional<Outcome> refused = awaitWrite(user, after.get());
            if (refused.isPresent()) {
                return refused.get();
            }
        }
        Optional<ObjectNode> answer = view.read(local.stores(), user);
        return answer.<Outcome>map(body -> new Found(body, local.staleness()))
                .orElseGet(() -> new Absent("no such item for user " + user));
    }

    /**
     * Waits for the write at {@code position}, holding one of the bounded waiting places: when all are
     * taken the read is refused at once, so reads waiting for writes never fill the server's threads.
     */
    private Optional<Outcome> awaitWrite(String user, LogPosition position) throws InterruptedException {
        if (!waitingReads.tryAcquire()) {
            return Optional.of(new NotReady("not_yet_visible", "too many reads are waiting for their writes on this "
                    + "instance; retry", 1));
        }
        StateSource.WriteWait outcome;
        try {
            outcome = state.awaitWrite(user, position, READ_YOUR_WRITES_WAIT);
        } finally {
            waitingReads.release();
        }
        return switch (outcome) {
            case PROCESSED -> Optional.empty();
            case NOT_IN_LOG -> Optional.of(new UnknownWrite(
                    "'after' names a position sync.device-events never held (a token of another cluster?)"));
            case TIMED_OUT -> Optional.of(new NotReady("not_yet_visible",
                    "the write behind 'after' is not processed yet; retry", 1));
        };
    }

    /**
     * A user's snapshot for a new WebSocket session, from wherever the user's state lives (asked of the
     * owner with the session's own token when another instance holds it).
     */
    public Optional<String> snapshot(String user, String bearerToken) {
        StateSource.Location location = state.locate(user);
        if (location instanceof StateSource.Remote remote) {
            Optional<HttpResponse<byte[]>> answer = owners.get(remote.baseUrl() + "/api/v1/sync/snapshot?user_id=" + user,
                    "Bearer " + bearerToken);
            if (answer.isPresent() && answer.get().statusCode() == 200) {
                return Optional.of(new String(answer.get().body(), StandardCharsets.UTF_8));
            }
            location = remote.fallback().isPresent() ? remote.fallback().get() : location;
        }
        if (location instanceof StateSource.Local local) {
            try {
                return Optional.of(io.mediagateway.sync.codec.Json.string(reader.snapshot(local.stores(), user,
                        wallClockMs.getAsLong())));
            } catch (InvalidStateStoreException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
