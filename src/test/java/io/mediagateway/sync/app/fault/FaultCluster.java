package io.mediagateway.sync.app.fault;

import io.mediagateway.sync.testing.KafkaCluster;
import io.mediagateway.sync.testing.NetworkNamespace;
import io.mediagateway.sync.testing.Ports;
import io.mediagateway.sync.testing.PubNubStandIn;
import io.mediagateway.sync.testing.ServiceProcess;
import io.mediagateway.sync.testing.TestDirs;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a fault run needs, as real processes on this machine: a Kafka cluster of three KRaft nodes, a
 * PostgreSQL that can be stopped and started again on its data, the PubNub stand-in, and three instances of the
 * packaged service — the last of them in a network namespace of its own, so that it can be cut off from the brokers
 * (and from everything else) and joined again. Every other part listens on this side's end of the namespace's link,
 * which this machine reaches as a local address.
 */
final class FaultCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FaultCluster.class);
    static final String SECRET = "fault-it-secret-long-enough-for-hs256";
    static final String APPLICATION = "fault-sync";
    /** The instances' {@code SYNC_KAFKA_SESSION_TIMEOUT_MS}: the least brokers accept by default, for quick failovers. */
    static final long SESSION_TIMEOUT_MS = 6_000;
    /**
     * How long a started instance may take to be ready (RUNNING): on two cores shared by three brokers, three instances
     * and PostgreSQL, a restart after SIGKILL wipes and restores its stores (exactly-once keeps no dirty state).
     */
    static final Duration READY_WITHIN = Duration.ofMinutes(5);

    /** One service instance; {@link #readable()} is false while it is down, cut off or frozen, and reads skip it. */
    static final class Instance {
        final int index;
        final int port;
        final String baseUrl;
        final boolean namespaced;
        final Path dataDir;
        final Path output;
        volatile ServiceProcess process;
        volatile boolean up;
        volatile boolean cut;
        volatile boolean paused;
        /** Held while the instance is killed, started or frozen: one of these at a time. */
        final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        /** Counts the faults that struck this instance (kill, cut, pause): a read across a change of it owed nothing. */
        final AtomicInteger disruptions = new AtomicInteger();

        Instance(int index, int port, String host, boolean namespaced, Path dataDir, Path output) {
            this.index = index;
            this.port = port;
            this.baseUrl = "http://" + host + ":" + port;
            this.namespaced = namespaced;
            this.dataDir = dataDir;
            this.output = output;
        }

        boolean readable() {
            return up && !cut && !paused;
        }

        @Override
        public String toString() {
            return "instance " + (index + 1) + (namespaced ? " (namespaced)" : "");
        }
    }

    final NetworkNamespace namespace;
    final KafkaCluster kafka;
    final PubNubStandIn pubnub;
    final List<Instance> instances = new ArrayList<>();
    private final Path pgData;
    private final Path pgRuntime;
    private final int pgPort;
    private volatile EmbeddedPostgres pg;
    private final Object pgLock = new Object();
    final AtomicInteger restarts = new AtomicInteger();
    /** The instances that stopped themselves (exit code 70, a failure they could not mend) and were started again. */
    final List<String> selfExits = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closing;

    private FaultCluster(NetworkNamespace namespace, KafkaCluster kafka, PubNubStandIn pubnub, Path pgData, Path pgRuntime,
                         int pgPort) {
        this.namespace = namespace;
        this.kafka = kafka;
        this.pubnub = pubnub;
        this.pgData = pgData;
        this.pgRuntime = pgRuntime;
        this.pgPort = pgPort;
    }

    static FaultCluster start(int instances) throws Exception {
        NetworkNamespace ns = NetworkNamespace.create("f" + (ProcessHandle.current().pid() % 1000), 200 + (int) (ProcessHandle.current().pid() % 50));
        KafkaCluster kafka = null;
        PubNubStandIn pubnub = null;
        try {
            kafka = KafkaCluster.start(ns.hostAddress(), 3);
            kafka.ensureServiceTopics();
            pubnub = PubNubStandIn.start(ns.hostAddress());
            FaultCluster c = new FaultCluster(ns, kafka, pubnub, TestDirs.create("fault-pg-data"),
                    TestDirs.create("fault-pg-runtime"), Ports.free());
            c.startPostgres();
            for (int i = 0; i < instances; i++) {
                boolean namespaced = i == instances - 1;
                String host = namespaced ? ns.address() : ns.hostAddress();
                c.instances.add(new Instance(i, Ports.free(), host, namespaced, TestDirs.create("fault-instance-" + (i + 1)),
                        TestDirs.create("fault-logs").resolve("instance-" + (i + 1) + ".log")));
            }
            for (Instance instance : c.instances) {
                c.launch(instance);
            }
            for (Instance instance : c.instances) {
                c.awaitReady(instance);
            }
            c.supervise();
            return c;
        } catch (Exception | Error e) {
            if (pubnub != null) {
                pubnub.close();
            }
            if (kafka != null) {
                kafka.close();
            }
            ns.close();
            throw e;
        }
    }

    String pgUrl() {
        return "jdbc:postgresql://" + namespace.hostAddress() + ":" + pgPort + "/postgres";
    }

    java.sql.Connection connectPostgres() throws java.sql.SQLException {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "5");
        return java.sql.DriverManager.getConnection(pgUrl(), p);
    }

    private Map<String, String> env(Instance instance) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("PG_URL", pgUrl());
        env.put("PG_USER", "postgres");
        env.put("SYNC_HOST", "0.0.0.0");
        env.put("SYNC_PORT", Integer.toString(instance.port));
        env.put("SYNC_ADVERTISED_URL", instance.baseUrl);
        env.put("SYNC_DATA_DIR", instance.dataDir.toString());
        env.put("SYNC_INSTANCE_ID", "fault-" + (instance.index + 1));
        env.put("SYNC_APPLICATION_ID", APPLICATION);
        env.put("SYNC_STREAM_THREADS", "1");
        env.put("SYNC_JWT_SECRET", SECRET);
        // Every instance holds a copy of every task: reads have a replica wherever one instance is left.
        env.put("SYNC_STANDBY_REPLICAS", Integer.toString(instances.size() - 1));
        env.put("SYNC_KAFKA_SESSION_TIMEOUT_MS", Long.toString(SESSION_TIMEOUT_MS));
        // Correctness, not latency, is measured here: fewer transactions leave the brokers' CPU to the faults.
        env.put("SYNC_COMMIT_INTERVAL_MS", "100");
        // Presence by heartbeats and timeouts is not what this run checks: devices stay online until they leave.
        env.put("SYNC_PRESENCE_TIMEOUT_MS", Long.toString(Duration.ofDays(7).toMillis()));
        env.put("SYNC_RATE_LIMIT_USER_PER_SEC", "0");
        env.put("SYNC_RATE_LIMIT_DEVICE_PER_SEC", "0");
        env.put("SYNC_ANALYTICS", "off");
        // What a failed run needs to be understood: the rebalances, and which instance got which task when.
        env.put("SYNC_KAFKA_LOG_LEVEL", "INFO");
        env.put("PUBNUB_PUBLISH_KEY", "pub-key");
        env.put("PUBNUB_SUBSCRIBE_KEY", "sub-key");
        env.put("PUBNUB_ORIGIN", pubnub.origin());
        env.put("PUBNUB_SECURE", "false");
        return env;
    }

    void launch(Instance instance) throws IOException {
        if (instance.process != null) {
            restarts.incrementAndGet();
        }
        List<String> prefix = instance.namespaced ? namespace.wrap(List.of()) : List.of();
        // Six JVMs share the machine's cores: C1 only, which starts them in a fraction of the CPU.
        instance.process = ServiceProcess.start(prefix, List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"),
                env(instance), instance.output, "serve");
    }

    /**
     * Waits until {@code instance} is ready; when it stops itself meanwhile (exit code 70) it is started again, as its
     * supervisor would, up to three times.
     */
    void awaitReady(Instance instance) throws IOException {
        instance.lock.lock();
        try {
            for (int attempt = 0; ; attempt++) {
                try {
                    instance.process.awaitReady(instance.baseUrl, READY_WITHIN);
                    break;
                } catch (IllegalStateException exited) {
                    if (attempt == 3) {
                        throw exited;
                    }
                    relaunchAfterExit(instance);
                }
            }
            instance.up = true;
        } finally {
            instance.lock.unlock();
        }
        log.info("{} ready at {}", instance, instance.baseUrl);
    }

    /**
     * Starts again an instance that exited on its own with code 70 — what Kubernetes does for the deployment's pods;
     * any other exit fails the run (it is a crash, not the service giving up on purpose).
     */
    private void relaunchAfterExit(Instance instance) throws IOException {
        int code = instance.process.exitCode().orElseThrow();
        if (code != 70) {
            throw new AssertionError(instance + " exited on its own with code " + code + " (see " + instance.output + ")");
        }
        selfExits.add(instance + " at " + java.time.Instant.now());
        log.warn("{} stopped itself (exit code 70); starting it again as its supervisor would", instance);
        launch(instance);
    }

    /**
     * The supervisor of instances that were ready: one that exits on its own is started again (see
     * {@link #relaunchAfterExit}); a crash of any other kind is kept for {@link #supervisorFailure}.
     */
    private void supervise() {
        Thread supervisor = new Thread(() -> {
            while (!closing) {
                for (Instance instance : instances) {
                    if (!instance.lock.tryLock()) {
                        continue;   // being killed, started or frozen: not for the supervisor now
                    }
                    try {
                        if (instance.up && !closing && !instance.process.isAlive()) {
                            instance.up = false;
                            instance.disruptions.incrementAndGet();
                            relaunchAfterExit(instance);
                            awaitReady(instance);
                        }
                    } catch (Throwable t) {
                        supervisorFailure.compareAndSet(null, t);
                    } finally {
                        instance.lock.unlock();
                    }
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "fault-supervisor");
        supervisor.setDaemon(true);
        supervisor.start();
    }

    /** What the supervisor could not mend (an instance that crashed, or did not come back); null when all is well. */
    final java.util.concurrent.atomic.AtomicReference<Throwable> supervisorFailure = new java.util.concurrent.atomic.AtomicReference<>();

    /** SIGKILL, as a crash would stop it. */
    void kill(Instance instance) throws InterruptedException {
        instance.lock.lock();
        try {
            instance.up = false;
            instance.disruptions.incrementAndGet();
            instance.process.kill();
        } finally {
            instance.lock.unlock();
        }
        log.info("Killed {}", instance);
    }

    /**
     * Freezes the instance's JVM (SIGSTOP) for {@code length} and lets it go on (SIGCONT), as a long GC pause or a
     * stalled VM would: past the session timeout its tasks move on, and what it still holds must be fenced when it wakes.
     * False when the instance was down, or being killed or started (nothing paused).
     */
    boolean pause(Instance instance, Duration length) throws IOException, InterruptedException {
        if (!instance.lock.tryLock()) {
            return false;
        }
        try {
            if (!instance.up || !instance.process.isAlive()) {
                return false;
            }
            instance.paused = true;
            instance.disruptions.incrementAndGet();
            signal(instance, "STOP");
            try {
                Thread.sleep(length.toMillis());
            } finally {
                signal(instance, "CONT");
                instance.paused = false;
            }
            return true;
        } finally {
            instance.lock.unlock();
        }
    }

    private static void signal(Instance instance, String signal) throws IOException, InterruptedException {
        // The namespaced instance's JVM runs under `ip netns exec`, which execs it: the pid is the JVM's either way.
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(instance.process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + instance.process.pid() + " exited with " + kill.exitValue());
        }
    }

    /** Starts killed instances again on their data (all at once), and waits until each is ready. */
    void restart(List<Instance> killed) throws IOException {
        for (Instance instance : killed) {
            launch(instance);
        }
        for (Instance instance : killed) {
            awaitReady(instance);
        }
    }

    Instance namespaced() {
        return instances.get(instances.size() - 1);
    }

    synchronized void cut() throws IOException, InterruptedException {
        namespaced().cut = true;
        namespaced().disruptions.incrementAndGet();
        namespace.cut();
    }

    synchronized void heal() throws IOException, InterruptedException {
        namespace.heal();
        namespaced().cut = false;
    }

    private void startPostgres() throws IOException {
        pg = EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(pgRuntime.toFile())
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setPort(pgPort)
                .setServerConfig("listen_addresses", "127.0.0.1," + namespace.hostAddress())
                .start();
        // initdb trusts loopback only; the instances connect from the namespace's link.
        Path hba = pgData.resolve("pg_hba.conf");
        String rule = "host all all 10.203.0.0/16 trust";
        if (!java.nio.file.Files.readString(hba).contains(rule)) {
            java.nio.file.Files.writeString(hba, "\n" + rule + "\n", java.nio.file.StandardOpenOption.APPEND);
            pg.close();
            startPostgres();
        }
    }

    /** Stops PostgreSQL (fast shutdown: open transactions are rolled back) and, after {@code down}, starts it again. */
    void restartPostgres(Duration down) throws IOException, InterruptedException {
        synchronized (pgLock) {
            pg.close();
            log.info("PostgreSQL stopped");
            Thread.sleep(down.toMillis());
            startPostgres();
            log.info("PostgreSQL started again");
        }
    }

    @Override
    public void close() throws Exception {
        closing = true;
        for (Instance instance : instances) {
            if (instance.process != null) {
                instance.process.close();
            }
        }
        if (pg != null) {
            pg.close();
        }
        pubnub.close();
        kafka.close();
        namespace.close();
    }
}
