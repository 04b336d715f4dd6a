package io.mediagateway.sync.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on loopback that a test can cut and heal: {@link #cut()} closes every connection through it and stops
 * listening (a connection attempt is refused, as across a link that is down); {@link #heal()} listens again on the
 * same port.
 */
public final class TcpProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);

    private final int port;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private volatile boolean closed;

    private TcpProxy(int port, int targetPort) {
        this.port = port;
        this.targetPort = targetPort;
    }

    /** Listens on {@code 127.0.0.1:port} and forwards each connection to {@code 127.0.0.1:targetPort}. */
    public static TcpProxy start(int port, int targetPort) throws IOException {
        TcpProxy proxy = new TcpProxy(port, targetPort);
        proxy.listen();
        return proxy;
    }

    private synchronized void listen() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        server = s;
        Thread acceptor = new Thread(() -> accept(s), "tcp-proxy-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket client = s.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(target);
                pipe(client, target);
                pipe(target, client);
            } catch (IOException e) {
                if (!s.isClosed()) {
                    log.debug("Proxy {} → {}: {}", port, targetPort, e.toString());
                }
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // cut, or closed by either side
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-proxy-pipe-" + port);
        t.setDaemon(true);
        t.start();
    }

    private void closeQuietly(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** Closes every connection and stops listening. */
    public synchronized void cut() throws IOException {
        ServerSocket s = server;
        if (s != null) {
            s.close();
            server = null;
        }
        for (Socket socket : Set.copyOf(open)) {
            closeQuietly(socket);
        }
        log.info("Proxy 127.0.0.1:{} → {} cut", port, targetPort);
    }

    /** Listens again. */
    public synchronized void heal() throws IOException {
        if (server == null && !closed) {
            listen();
            log.info("Proxy 127.0.0.1:{} → {} healed", port, targetPort);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        cut();
    }
}
