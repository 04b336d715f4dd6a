package io.mediagateway.sync.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real WebSocket client (the JDK's) that collects the text messages it receives. */
public final class WsTestClient implements AutoCloseable {
    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final WebSocket socket;
    private volatile int closeCode = -1;

    private WsTestClient(HttpClient client, String url) {
        socket = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(url), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            messages.add(partial.toString());
                            partial.setLength(0);
                        }
                        ws.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                        closeCode = statusCode;
                        return null;
                    }
                }).join();
    }

    public static WsTestClient connect(String url) {
        return new WsTestClient(HttpClient.newHttpClient(), url);
    }

    /** Through {@code client}, as a device that keeps one client for all its connections. */
    public static WsTestClient connect(HttpClient client, String url) {
        return new WsTestClient(client, url);
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    /** The next message, or null after {@code timeout}. */
    public String next(Duration timeout) throws InterruptedException {
        return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next message containing {@code fragment} (others are skipped), or null after {@code timeout}. */
    public String nextContaining(String fragment, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String m = messages.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            if (m != null && m.contains(fragment)) {
                return m;
            }
        }
        return null;
    }

    public BlockingQueue<String> received() {
        return messages;
    }

    public int closeCode() {
        return closeCode;
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }

    /** Drops the connection without a close frame, as a lost network does. */
    public void abort() {
        socket.abort();
    }
}
