package io.mediagateway.sync.testing;

import static org.awaitility.Awaitility.await;

import io.mediagateway.sync.app.embedded.EmbeddedKafka;
import io.mediagateway.sync.topics.TopicProvisioner;
import io.mediagateway.sync.topics.Topics;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka cluster of {@code n} KRaft nodes (each broker and controller), every node a process of its own run from
 * the packaged jar's Kafka classes ({@code kafka.Kafka}), so that one can be killed with SIGKILL as a crash would and
 * started again on its data. Replication factor {@code n}, {@code min.insync.replicas} {@code n - 1} for every
 * topic the brokers create themselves (offsets, transactions, the streams' changelogs).
 */
public final class KafkaCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaCluster.class);

    private final Path base;
    private final String host;
    private final int[] brokerPorts;
    private final int[] controllerPorts;
    private final Process[] nodes;
    /** A second listener per node ({@code REMOTE}), advertised at another port: where a proxy forwards to it. */
    private final int[] remotePorts;
    private final int[] remoteAdvertisedPorts;

    private KafkaCluster(Path base, String host, int n, boolean remote) throws IOException {
        this.base = base;
        this.host = host;
        this.brokerPorts = new int[n];
        this.controllerPorts = new int[n];
        this.nodes = new Process[n];
        this.remotePorts = remote ? new int[n] : null;
        this.remoteAdvertisedPorts = remote ? new int[n] : null;
        for (int i = 0; i < n; i++) {
            brokerPorts[i] = Ports.free();
            controllerPorts[i] = Ports.free();
            if (remote) {
                remotePorts[i] = Ports.free();
                remoteAdvertisedPorts[i] = Ports.free();
            }
        }
    }

    /**
     * Formats and starts {@code n} nodes whose brokers listen (and are advertised) on {@code host}; their
     * controllers listen on loopback. Returns once every broker is registered.
     */
    public static KafkaCluster start(String host, int n) throws Exception {
        return start(host, n, false);
    }

    /**
     * As {@link #start(String, int)}, each node with a second listener on loopback advertised at another loopback port
     * ({@link #remoteListenerPort}, {@link #remoteAdvertisedPort}): clients that bootstrap from
     * {@link #remoteBootstrapServers()} reach the brokers only through what listens at the advertised ports — a proxy
     * a test can cut, as a link between two regions (RegionsIT).
     */
    public static KafkaCluster start(String host, int n, boolean remoteListener) throws Exception {
        KafkaCluster cluster = new KafkaCluster(TestDirs.create("kafka-cluster"), host, n, remoteListener);
        String clusterId = Uuid.randomUuid().toString();
        for (int i = 0; i < n; i++) {
            cluster.format(i, clusterId);
        }
        for (int i = 0; i < n; i++) {
            cluster.startNode(i);
        }
        cluster.awaitBrokers(n, Duration.ofSeconds(120));
        log.info("Kafka cluster of {} nodes at {}", n, cluster.bootstrapServers());
        return cluster;
    }

    public String bootstrapServers() {
        StringJoiner s = new StringJoiner(",");
        for (int port : brokerPorts) {
            s.add(host + ":" + port);
        }
        return s.toString();
    }

    /** The bootstrap servers of the second listener (the advertised ports). */
    public String remoteBootstrapServers() {
        StringJoiner s = new StringJoiner(",");
        for (int port : remoteAdvertisedPorts) {
            s.add("127.0.0.1:" + port);
        }
        return s.toString();
    }

    public int remoteListenerPort(int node) {
        return remotePorts[node];
    }

    public int remoteAdvertisedPort(int node) {
        return remoteAdvertisedPorts[node];
    }

    public int size() {
        return nodes.length;
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    /** Creates the service's topics ({@code topics/}) as {@code serve} does. */
    public void ensureServiceTopics() throws Exception {
        try (Admin admin = admin()) {
            new TopicProvisioner(admin, Duration.ofSeconds(60)).ensure(Topics.definitions());
        }
    }

    /** The node index (0-based) leading {@code topic}'s partition {@code partition}. */
    public int leaderOf(String topic, int partition) throws Exception {
        try (Admin admin = admin()) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            Node leader = d.partitions().get(partition).leader();
            if (leader == null) {
                throw new IllegalStateException(topic + "-" + partition + " has no leader");
            }
            return leader.id() - 1;
        }
    }

    public boolean isRunning(int node) {
        return nodes[node] != null && nodes[node].isAlive();
    }

    /** SIGKILL: the node stops at once, as a crash or a power cut would stop it. */
    public void kill(int node) throws InterruptedException {
        Process p = nodes[node];
        if (p != null) {
            p.destroyForcibly().waitFor();
        }
        log.info("Killed Kafka node {}", node + 1);
    }

    /** Starts a killed node again on its data, and waits until the cluster counts it again. */
    public void restart(int node) throws Exception {
        start(node);
        awaitAll(Duration.ofSeconds(180));
    }

    /** Starts a killed node again on its data, without waiting for it. */
    public void start(int node) throws IOException {
        startNode(node);
    }

    /** Waits until the cluster counts every node. */
    public void awaitAll(Duration timeout) {
        awaitBrokers(nodes.length, timeout);
        log.info("Every Kafka node is registered");
    }

    private Path dir(int node) {
        return base.resolve("node-" + (node + 1));
    }

    private Path config(int node) throws IOException {
        Path dir = dir(node);
        Files.createDirectories(dir.resolve("data"));
        StringJoiner voters = new StringJoiner(",");
        for (int i = 0; i < nodes.length; i++) {
            voters.add((i + 1) + "@127.0.0.1:" + controllerPorts[i]);
        }
        Properties p = new Properties();
        p.putAll(EmbeddedKafka.nodeProperties(node + 1, voters.toString(), host, brokerPorts[node], controllerPorts[node],
                dir.resolve("data"), nodes.length));
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 << 20));
        if (remotePorts != null) {
            p.put("listeners", p.get("listeners") + ",REMOTE://127.0.0.1:" + remotePorts[node]);
            p.put("advertised.listeners", p.get("advertised.listeners") + ",REMOTE://127.0.0.1:" + remoteAdvertisedPorts[node]);
            p.put("listener.security.protocol.map", p.get("listener.security.protocol.map") + ",REMOTE:PLAINTEXT");
        }
        // A dead broker leaves the ISRs (and a restarted one is fenced) within seconds, not Kafka's 9 s / 30 s.
        p.put("broker.session.timeout.ms", "6000");
        p.put("broker.heartbeat.interval.ms", "1000");
        p.put("replica.lag.time.max.ms", "10000");
        Path file = dir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "KafkaCluster node " + (node + 1));
        }
        return file;
    }

    private void format(int node, String clusterId) throws IOException {
        EmbeddedKafka.formatStorage(config(node), clusterId);
    }

    private void startNode(int node) throws IOException {
        String jar = System.getProperty("sync.jar", "target/media-gateway-sync.jar");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", jar,
                "kafka.Kafka", config(node).toString()));
        Path output = dir(node).resolve("broker.log");
        nodes[node] = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
    }

    private void awaitBrokers(int n, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() -> {
            for (int i = 0; i < nodes.length; i++) {
                if (nodes[i] != null && !nodes[i].isAlive() && nodes[i].exitValue() != 137) {
                    throw new IllegalStateException("Kafka node " + (i + 1) + " exited with " + nodes[i].exitValue()
                            + "; see " + dir(i).resolve("broker.log"));
                }
            }
            try (Admin admin = admin()) {
                return admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() >= n;
            } catch (Exception notYet) {
                return false;
            }
        });
    }

    @Override
    public void close() throws InterruptedException {
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i] != null && nodes[i].isAlive()) {
                nodes[i].destroy();
            }
        }
        for (Process p : nodes) {
            if (p != null && !p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }
}
