package io.mediagateway.sync.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Linux network namespace joined to this one by a veth pair (iproute2's {@code ip}, as root): a host of its own
 * on this machine. {@link #hostAddress()} is this side's end of the pair, {@link #address()} the namespace's; a
 * process started with {@link #wrap} runs inside it. {@link #cut()} takes the namespace's end of the link down — its
 * packets go nowhere, its open connections hang as across a real partition — and {@link #heal()} brings it back.
 */
public final class NetworkNamespace implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NetworkNamespace.class);

    private final String name;
    private final String hostLink;
    private final String nsLink;
    private final String hostAddress;
    private final String address;

    private NetworkNamespace(String name, String hostLink, String nsLink, String hostAddress, String address) {
        this.name = name;
        this.hostLink = hostLink;
        this.nsLink = nsLink;
        this.hostAddress = hostAddress;
        this.address = address;
    }

    /** Creates namespace {@code mgs-<tag>} on the /24 {@code 10.203.<subnet>.0}: this side .1, the namespace .2. */
    public static NetworkNamespace create(String tag, int subnet) throws IOException, InterruptedException {
        String name = "mgs-" + tag;
        String hostLink = "mgs" + tag + "0";
        String nsLink = "mgs" + tag + "1";
        String hostAddress = "10.203." + subnet + ".1";
        String address = "10.203." + subnet + ".2";
        // What a killed run left behind.
        run(false, "ip", "netns", "del", name);
        run(false, "ip", "link", "del", hostLink);
        run(true, "ip", "netns", "add", name);
        run(true, "ip", "link", "add", hostLink, "type", "veth", "peer", "name", nsLink);
        run(true, "ip", "link", "set", nsLink, "netns", name);
        run(true, "ip", "addr", "add", hostAddress + "/24", "dev", hostLink);
        run(true, "ip", "link", "set", hostLink, "up");
        run(true, "ip", "netns", "exec", name, "ip", "addr", "add", address + "/24", "dev", nsLink);
        run(true, "ip", "netns", "exec", name, "ip", "link", "set", nsLink, "up");
        run(true, "ip", "netns", "exec", name, "ip", "link", "set", "lo", "up");
        log.info("Network namespace {} at {} (this side {})", name, address, hostAddress);
        return new NetworkNamespace(name, hostLink, nsLink, hostAddress, address);
    }

    /** Whether this machine lets the tests make namespaces (root, iproute2), and if not, why. */
    public static String unavailableReason() {
        try {
            Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "'ip netns list' failed: " + out.trim();
            }
            return null;
        } catch (IOException | InterruptedException e) {
            return "no 'ip' command (Debian package iproute2): " + e.getMessage();
        }
    }

    public String hostAddress() {
        return hostAddress;
    }

    public String address() {
        return address;
    }

    /** {@code command} run inside the namespace. */
    public List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", name));
        wrapped.addAll(command);
        return wrapped;
    }

    public void cut() throws IOException, InterruptedException {
        run(true, "ip", "netns", "exec", name, "ip", "link", "set", nsLink, "down");
        log.info("Network namespace {} cut off", name);
    }

    public void heal() throws IOException, InterruptedException {
        run(true, "ip", "netns", "exec", name, "ip", "link", "set", nsLink, "up");
        log.info("Network namespace {} joined again", name);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run(false, "ip", "netns", "del", name);
        run(false, "ip", "link", "del", hostLink);
    }

    private static void run(boolean required, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish");
        }
        if (required && p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out.trim());
        }
    }
}
