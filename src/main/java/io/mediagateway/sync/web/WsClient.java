package io.mediagateway.sync.web;

import java.util.ArrayDeque;
import java.util.function.Supplier;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One WebSocket session's outgoing side: messages are sent asynchronously one at a time from a
 * bounded queue, so a slow client never blocks the thread delivering deltas to everyone else. When
 * its queue overflows, the missed deltas are dropped and the client gets a fresh snapshot instead,
 * ahead of the deltas that queue after the overflow.
 */
final class WsClient {
    static final int MAX_QUEUED = 256;

    /** The socket's sending side: asynchronous, one message at a time. */
    interface Socket {
        boolean isOpen();

        /** Sends {@code text}; calls {@code done} when it is sent or failed. */
        void send(String text, Runnable done);

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
            };
        }
    }

    final String userId;
    /** The token's device; null for a service token's session. */
    final String deviceId;
    private final Socket session;
    private final Supplier<String> snapshot;
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private boolean sending;
    private boolean started;
    private boolean overflowed;
    private long overflows;
    private Runnable closer;

    WsClient(String userId, String deviceId, Socket session, Supplier<String> snapshot) {
        this.userId = userId;
        this.deviceId = deviceId;
        this.session = session;
        this.snapshot = snapshot;
    }

    /** Sends the snapshot, then whatever queued meanwhile. Deltas offered before this wait in the queue. */
    void start() {
        String first = snapshot.get();
        synchronized (this) {
            started = true;
            queue.addFirst(first);
        }
        pump();
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
            queue.addLast(last);
            closer = close;
        }
        pump();
    }

    /** Queues a message (a delta, an ack); on overflow drops the queue and owes the client a snapshot. */
    void offer(String message) {
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
            queue.addLast(message);
        }
        pump();
    }

    long overflows() {
        synchronized (this) {
            return overflows;
        }
    }

    private void pump() {
        String next;
        Runnable close = null;
        synchronized (this) {
            if (!started || sending || !session.isOpen()) {
                return;
            }
            if (closer != null && queue.isEmpty()) {
                close = closer;
                closer = () -> { };
                next = null;
            } else if (overflowed && closer == null) {
                // Behind: the snapshot goes first, then whatever queued since the overflow (a delta the
                // snapshot already holds arrives twice, which deltas tolerate; none is lost).
                overflowed = false;
                next = null;
                sending = true;
            } else {
                next = queue.pollFirst();
                if (next == null) {
                    return;
                }
                sending = true;
            }
        }
        if (close != null) {
            close.run();
            return;
        }
        if (next == null) {
            next = snapshot.get();
        }
        session.send(next, this::sent);
    }

    private void sent() {
        synchronized (this) {
            sending = false;
        }
        pump();
    }
}
