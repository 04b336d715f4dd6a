package io.mediagateway.sync.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.model.ChangeCursor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A session's outgoing queue against a socket that sends only when told to (a slow client). */
class WsClientTest {

    /** Holds each message "on the wire" until {@link #complete()} delivers it. */
    private static final class SlowSocket implements WsClient.Socket {
        final List<String> delivered = new ArrayList<>();
        String inFlight;
        Runnable done;
        int concurrent;
        Integer closedWith;

        @Override
        public boolean isOpen() {
            return closedWith == null;
        }

        @Override
        public void close(int code, String reason) {
            closedWith = code;
        }

        @Override
        public void send(String text, Runnable done) {
            if (inFlight != null) {
                concurrent++;
            }
            inFlight = text;
            this.done = done;
        }

        void complete() {
            delivered.add(inFlight);
            inFlight = null;
            Runnable d = done;
            done = null;
            d.run();
        }

        void drain() {
            while (inFlight != null) {
                complete();
            }
        }
    }

    @Test
    void deltasWaitForTheSnapshotThenGoInOrderOneAtATime() {
        SlowSocket socket = new SlowSocket();
        WsClient client = new WsClient("alice", "phone", socket, () -> "snapshot");
        client.offer("d1");
        client.start();
        client.offer("d2");
        client.offer("d3");
        socket.drain();
        assertThat(socket.delivered).containsExactly("snapshot", "d1", "d2", "d3");
        assertThat(socket.concurrent).isZero();
    }

    @Test
    void aClientThatFallsBehindGetsAFreshSnapshotInsteadOfTheMissedDeltas() {
        SlowSocket socket = new SlowSocket();
        AtomicInteger snapshots = new AtomicInteger();
        WsClient client = new WsClient("alice", "phone", socket, () -> "snapshot-" + snapshots.incrementAndGet());
        client.start();
        // The snapshot is on the wire and the client does not read: the queue fills and overflows.
        for (int i = 0; i < WsClient.MAX_QUEUED + 10; i++) {
            client.offer("d" + i);
        }
        assertThat(client.overflows()).isEqualTo(1);
        client.offer("after-overflow");
        socket.drain();
        assertThat(socket.delivered).startsWith("snapshot-1", "snapshot-2").endsWith("after-overflow")
                .doesNotContain("d0", "d255", "d256").hasSize(2 + 9 + 1);
    }

    @Test
    void aDeltaTheOpeningAlreadyHeldIsNotSentAgain() {
        SlowSocket socket = new SlowSocket();
        WsClient.Opening opening = new WsClient.Opening(List.of("changes-up-to-5"), new ChangeCursor(7, 5));
        WsClient client = new WsClient("alice", "phone", socket, () -> opening, () -> opening);
        // live deltas that arrived while the opening was read: the ones it holds are dropped, newer ones kept
        client.offer("d4", new ChangeCursor(7, 4));
        client.offer("d5", new ChangeCursor(7, 5));
        client.offer("d6", new ChangeCursor(7, 6));
        client.start();
        client.offer("d6-again", new ChangeCursor(7, 6));
        client.offer("other-history", new ChangeCursor(8, 1));
        client.offer("ack");
        socket.drain();
        assertThat(socket.delivered).containsExactly("changes-up-to-5", "d6", "other-history", "ack");
    }

    @Test
    void anOpeningThatCannotBeReadSaysWhyAndClosesWithoutSendingLiveDeltasWithoutTheirBase() {
        SlowSocket socket = new SlowSocket();
        WsClient.Opening unavailable = WsClient.Opening.failed("{\"type\":\"error\",\"error\":\"unavailable\"}");
        WsClient client = new WsClient("alice", "phone", socket, () -> unavailable, () -> unavailable);
        client.offer("d1", new ChangeCursor(7, 1));
        client.start();
        client.offer("d2", new ChangeCursor(7, 2));
        socket.drain();
        assertThat(socket.delivered).containsExactly("{\"type\":\"error\",\"error\":\"unavailable\"}");
        assertThat(socket.closedWith).isEqualTo(WsClient.TRY_AGAIN_LATER);
    }

    @Test
    void aClientBehindWhoseSnapshotCannotBeReadIsToldAndClosedRatherThanLeftWithAGap() {
        SlowSocket socket = new SlowSocket();
        WsClient.Opening first = new WsClient.Opening(List.of("snapshot"), new ChangeCursor(7, 1));
        WsClient client = new WsClient("alice", "phone", socket, () -> first,
                () -> WsClient.Opening.failed("unavailable"));
        client.start();
        for (int i = 0; i < WsClient.MAX_QUEUED + 10; i++) {
            client.offer("d" + i, new ChangeCursor(7, 2 + i));
        }
        client.offer("after-overflow", new ChangeCursor(7, 1000));
        socket.drain();
        assertThat(socket.delivered).containsExactly("snapshot", "unavailable");
        assertThat(socket.closedWith).isEqualTo(WsClient.TRY_AGAIN_LATER);
    }
}
