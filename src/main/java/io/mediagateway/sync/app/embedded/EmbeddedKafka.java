package io.mediagateway.sync.app.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft broker (combined broker + controller) in this JVM, for {@code serve} and
 * {@code demo} when no {@code KAFKA_BOOTSTRAP_SERVERS} is configured. Its log directory lives under
 * the data dir and is formatted only once, so topics and offsets survive a restart.
 * Uses Kafka's server classes, which are not a public API: {@code ServeCommandIT} covers it.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path logDir;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, Path logDir) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.logDir = logDir;
    }

    /** Starts the broker on {@code 127.0.0.1:port}; its controller listens on {@code port + 1}. */
    public static EmbeddedKafka start(Path dataDir, int port) {
        Path logDir = dataDir.resolve("kafka");
        requireFree(port, "SYNC_EMBEDDED_KAFKA_PORT");
        requireFree(port + 1, "SYNC_EMBEDDED_KAFKA_PORT + 1 (the embedded controller)");
        try {
            Files.createDirectories(logDir);
            Map<String, String> props = brokerProperties(logDir, port);
            Path configFile = dataDir.resolve("kafka-server.properties");
            writeProperties(configFile, props);
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(configFile);
                log.info("Formatted the embedded Kafka log directory {}", logDir);
            }
            Properties p = new Properties();
            p.putAll(props);
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
            server.startup();
            String bootstrap = "127.0.0.1:" + port;
            log.info("Embedded Kafka broker started on {} (data in {})", bootstrap, logDir);
            return new EmbeddedKafka(server, bootstrap, logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the embedded Kafka broker in " + logDir, e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        log.info("Stopping the embedded Kafka broker ({})", logDir);
        server.shutdown();
        server.awaitShutdown();
        log.info("Embedded Kafka broker stopped");
    }

    private static Map<String, String> brokerProperties(Path logDir, int port) {
        Map<String, String> p = nodeProperties(1, "1@127.0.0.1:" + (port + 1), "127.0.0.1", port, port + 1, logDir, 1);
        // Sized for one developer's machine, not a fleet: the log cleaner's dedupe buffer is allocated on the
        // heap at start (128 MB by default; the changelogs are compacted).
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 << 20));
        return p;
    }

    /**
     * The settings of one combined broker and controller of a KRaft cluster for development and tests: the broker on
     * {@code host:brokerPort}, the controller on {@code 127.0.0.1:controllerPort}, {@code replicas} copies of every
     * internal topic and by default ({@code min.insync.replicas} one less, at least one), no delay before a group's
     * first rebalance, and topics only from {@code topics/}. The group and transaction coordinators' topics get 5
     * partitions rather than 50 (a second of a fresh start); a data dir made before keeps its 50: the coordinators
     * map groups and transactional ids by the partition count in the metadata, the setting being only the fallback
     * before the topic exists (Kafka 4.3's BrokerMetadataPublisher), so committed offsets stay where they are found.
     *
     * @param voters {@code controller.quorum.voters}: {@code id@host:port}, comma-separated
     */
    public static Map<String, String> nodeProperties(int nodeId, String voters, String host, int brokerPort,
                                                     int controllerPort, Path logDir, int replicas) {
        String copies = Integer.toString(replicas);
        String minIsr = Integer.toString(Math.max(1, replicas - 1));
        Map<String, String> p = new TreeMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(nodeId));
        p.put("controller.quorum.voters", voters);
        p.put("listeners", "PLAINTEXT://" + host + ":" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("offsets.topic.replication.factor", copies);
        p.put("transaction.state.log.replication.factor", copies);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("share.coordinator.state.topic.replication.factor", copies);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        p.put("default.replication.factor", copies);
        p.put("min.insync.replicas", minIsr);
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("auto.create.topics.enable", "false");
        p.put("unstable.api.versions.enable", "false");
        p.put("unstable.feature.versions.enable", "false");
        return p;
    }

    private static void format(Path configFile) {
        log.debug("kafka-storage format: {}", formatStorage(configFile, Uuid.randomUuid().toString()));
    }

    /**
     * Formats the log directory of a KRaft node ({@code kafka-storage format}, leaving one formatted before as it is);
     * returns the tool's output.
     */
    public static String formatStorage(Path configFile, String clusterId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {"format", "--config", configFile.toString(),
                    "--cluster-id", clusterId, "--ignore-formatted"}, print);
        }
        String output = out.toString(StandardCharsets.UTF_8).trim();
        if (rc != 0) {
            throw new IllegalStateException("formatting the Kafka storage of " + configFile + " failed (" + rc + "): "
                    + output);
        }
        return output;
    }

    private static void writeProperties(Path file, Map<String, String> props) throws IOException {
        Properties p = new Properties();
        p.putAll(props);
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "Generated by media-gateway-sync for its embedded broker; rewritten at every start");
        }
    }

    static void requireFree(int port, String what) {
        requireFree(port, what, "KAFKA_BOOTSTRAP_SERVERS to use a running cluster");
    }

    /** {@code instead}: what to set to use a running service rather than the embedded one. */
    static void requireFree(int port, String what, String instead) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " for " + what + " is already in use; "
                    + "set another port, or set " + instead, e);
        }
    }
}
