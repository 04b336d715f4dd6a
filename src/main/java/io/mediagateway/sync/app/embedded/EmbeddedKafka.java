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
        Map<String, String> p = new TreeMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + (port + 1));
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + (port + 1));
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        // One node: every internal topic has a single replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // A development broker: no delay before the first group rebalance, topics only from topics/.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Sized for one developer's machine, not a fleet: the log cleaner's dedupe buffer is allocated on the
        // heap at start (128 MB by default; the changelogs are compacted), and the group and transaction
        // coordinators' topics are created with 50 partitions each by default, a second of a fresh start.
        // A data dir made before keeps its 50: the coordinators map groups and transactional ids by the
        // partition count in the metadata, the setting being only the fallback before the topic exists
        // (Kafka 4.3's BrokerMetadataPublisher), so committed offsets stay where they are found.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 << 20));
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("auto.create.topics.enable", "false");
        p.put("unstable.api.versions.enable", "false");
        p.put("unstable.feature.versions.enable", "false");
        return p;
    }

    private static void format(Path configFile) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {"format", "--config", configFile.toString(),
                    "--cluster-id", Uuid.randomUuid().toString(), "--ignore-formatted"}, print);
        }
        String output = out.toString(StandardCharsets.UTF_8).trim();
        if (rc != 0) {
            throw new IllegalStateException("formatting the embedded Kafka storage failed (" + rc + "): " + output);
        }
        log.debug("kafka-storage format: {}", output);
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
