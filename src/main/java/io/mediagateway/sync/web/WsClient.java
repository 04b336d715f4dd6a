package io.mediagateway.sync.web;

import io.mediagateway.sync.model.ChangeCursor;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One WebSocket session's outgoing side: messages are sent asynchronously one at a time from a
 * bounded queue, so a slow client never blocks the thread delivering deltas to everyone else. When
 * its queue overflows, the missed deltas are dropped and the client gets a fresh snapshot instead,
 * ahead of the deltas that queue after the overflow.
 *
 * <p>No change twice (contract §13): the session remembers the cursor of the newest change it has sent —
 * in its opening (a snapshot or the changes since the client's cursor) or as a delta — and drops a delta
 * at or before it. Deltas that arrive while the opening is read wait in the queue, so none is missed.
 */
final class WsClient {
    static final int MAX_QUEUED = 256;

    /** The socket's sending side: asynchronous, one message at a time. */
    interface Socket {
        boolean isOpen();

        /** Sends {@code text}; calls {@code done} when it is sent or failed. */
        void send(String text, Runnable done);

        /** Closes the session with a WebSocket status code and reason. */
        void close(int code, String reason);

        static Socket of(Session session) {
            return new Socket() {
                @Override
                public boolean isOpen() {
                    return session.isOpen();
                }

                @Override
                public void send(String text, Runnable done) {
                    session.sendText(text, Callback.from(done, failure -> done.run()));
                }

                @Override
                public void close(int code, String reason) {
                    session.close(code, reason, Callback.NOOP);
                }
            };
        }
    }

    /** The close code of a session whose opening could not be read: 1013, "Try Again Later" (RFC 6455 registry). */
    static final int TRY_AGAIN_LATER = 1013;

    /**
     * What a session sends first (a snapshot, or the changes since a cursor) and the cursor of the newest
     * change it holds (null when unknown: nothing is dropped then). {@code failed}: the state could not be
     * read (its owner restarting) — the messages say why, then the session closes with {@link #TRY_AGAIN_LATER},
     * since live deltas without their base would leave the device with a silent gap (contract §13).
     */
    record Opening(List<String> messages, ChangeCursor cursor, boolean failed) {
        Opening(List<String> messages, ChangeCursor cursor) {
            this(messages, cursor, false);
        }

        static Opening of(String message) {
            return new Opening(List.of(message), null);
        }

        static Opening failed(String error) {
            return new Opening(List.of(error), null, true);
        }
    }

    /** A queued message; {@code cursor} is set for a delta. */
    private record Item(String text, ChangeCursor cursor) {
    }

    final String userId;
    /** The token's device; null for a service token's session. */
    final String deviceId;
    private final Socket session;
    private final Supplier<Opening> opening;
    private final Supplier<Opening> snapshot;
    private final ArrayDeque<Item> queue = new ArrayDeque<>();
    private ChangeCursor sent;
    private boolean sending;
    private boolean started;
    private boolean overflowed;
    private long overflows;
    private Runnable closer;
    /** The region and platform channels the session follows (WsSessions keeps the index). */
    private final Set<String> channels = ConcurrentHashMap.newKeySet();

    /** A session that opens with a snapshot. */
    WsClient(String userId, String deviceId, Socket session, Supplier<String> snapshot) {
        this(userId, deviceId, session, () -> Opening.of(snapshot.get()), () -> Opening.of(snapshot.get()));
    }

    /** {@code opening} is read once at {@link #start()}; {@code snapshot} whenever the client falls behind. */
    WsClient(String userId, String deviceId, Socket session, Supplier<Opening> opening, Supplier<Opening> snapshot) {
        this.userId = userId;
        this.deviceId = deviceId;
        this.session = session;
        this.opening = opening;
        this.snapshot = snapshot;
    }

    /** Sends the opening, then whatever queued meanwhile. Deltas offered before this wait in the queue. */
    void start() {
        Opening first = opening.get();
        synchronized (this) {
            started = true;
            if (first.failed()) {
                failed(first);
            } else {
                List<String> messages = first.messages();
                for (int i = messages.size() - 1; i >= 0; i--) {
                    queue.addFirst(new Item(messages.get(i), null));
                }
                sent = first.cursor();
            }
        }
        pump();
    }

    /** An opening that could not be read: only its error is sent, then the session closes (1013). */
    private void failed(Opening opening) {
        queue.clear();
        for (String message : opening.messages()) {
            queue.addLast(new Item(message, null));
        }
        closer = () -> session.close(TRY_AGAIN_LATER, "state unavailable, try again");
    }

    /**
     * Sends {@code last} after what is queued, then runs {@code close}: the client reads why the session
     * ends before it ends. Nothing offered afterwards is sent.
     */
    void finish(String last, Runnable close) {
        synchronized (this) {
            if (closer != null) {
                return;
            }
            queue.addLast(new Item(last, null));
            closer = close;
        }
        pump();
    }

    /** Queues a message (an ack, an error); on overflow drops the queue and owes the client a snapshot. */
    void offer(String message) {
        offer(message, null);
    }

    /** Queues a delta at {@code cursor} (null when it has none). */
    void offer(String message, ChangeCursor cursor) {
        synchronized (this) {
            if (closer != null) {
                return;
            }
            if (queue.size() >= MAX_QUEUED) {
                queue.clear();
                overflowed = true;
                overflows++;
                return;
            }
            queue.addLast(new Item(message, cursor));
        }
        pump();
    }

    Set<String> channels() {
        return channels;
    }

    long overflows() {
        synchronized (this) {
            return overflows;
        }
    }

    private void pump() {
        String next = null;
        Runnable close = null;
        boolean resnapshot = false;
        synchronized (this) {
            if (!started || sending || !session.isOpen()) {
                return;
            }
            if (closer != null && queue.isEmpty()) {
                close = closer;
                closer = () -> { };
            } else if (overflowed && closer == null) {
                // Behind: the snapshot goes first, then whatever queued since the overflow (a delta the
                // snapshot already holds is dropped by its cursor; none is lost).
                overflowed = false;
                resnapshot = true;
                sending = true;
            } else {
                Item item;
                do {
                    item = queue.pollFirst();
                } while (item != null && alreadySent(item.cursor()));
                if (item == null) {
                    return;
                }
                if (item.cursor() != null) {
                    sent = item.cursor();
                }
                next = item.text();
                sending = true;
            }
        }
        if (close != null) {
            close.run();
            return;
        }
        if (resnapshot) {
            Opening fresh = snapshot.get();
            synchronized (this) {
                if (fresh.failed()) {
                    sending = false;
                    failed(fresh);
                } else {
                    sent = fresh.cursor();
                    for (int i = fresh.messages().size() - 1; i >= 1; i--) {
                        queue.addFirst(new Item(fresh.messages().get(i), null));
                    }
                }
            }
            if (fresh.failed()) {
                pump();
                return;
            }
            next = fresh.messages().get(0);
        }
        session.send(next, this::sent);
    }

    /** Whether a delta at {@code cursor} is one the client already has (same history, not newer). */
    private boolean alreadySent(ChangeCursor cursor) {
        return cursor != null && sent != null && cursor.epoch() == sent.epoch() && cursor.seq() <= sent.seq();
    }

    private void sent() {
        synchronized (this) {
            sending = false;
        }
        pump();
    }
}
