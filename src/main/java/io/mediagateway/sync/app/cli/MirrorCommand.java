package io.mediagateway.sync.app.cli;

import io.mediagateway.sync.app.regions.Mirror;
import io.mediagateway.sync.topics.Regions;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** MirrorMaker 2 for the flows into this region, apart from the service (contract §16). */
@Command(name = "mirror", mixinStandardHelpOptions = true,
        description = {"Run MirrorMaker 2 alone for the flows into this region (SYNC_REGION): each peer's",
                "(SYNC_PEER_REGIONS) sync.device-events and sync.notifications to <peer>.sync.… on this cluster",
                "(KAFKA_BOOTSTRAP_SERVERS). Run the service instances with SYNC_MIRROR=off then.",
                "--print-config prints the same configuration for Kafka's own connect-mirror-maker.sh",
                "(run it with --clusters <SYNC_REGION>)."},
        footer = {"", "Environment: SYNC_REGION, SYNC_PEER_REGIONS, KAFKA_BOOTSTRAP_SERVERS (see serve --help)."})
final class MirrorCommand implements Callable<Integer> {

    @Option(names = "--print-config", description = "print MirrorMaker 2's properties and exit")
    boolean printConfig;

    @Option(names = "--replication-factor", paramLabel = "N",
            description = "copies of the topics MirrorMaker 2 creates here (default: the cluster's brokers, at most 3)")
    Integer replicationFactor;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, String> env;

    MirrorCommand() {
        this(System.getenv());
    }

    MirrorCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Regions regions;
        try {
            regions = Regions.fromEnv(env);
        } catch (IllegalArgumentException e) {
            err.println("SYNC_REGION / SYNC_PEER_REGIONS: " + e.getMessage());
            return 2;
        }
        String bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
        if (!regions.active() || bootstrap == null || bootstrap.isBlank()) {
            err.println("mirror needs SYNC_REGION, SYNC_PEER_REGIONS and KAFKA_BOOTSTRAP_SERVERS");
            return 2;
        }
        if (printConfig) {
            int rf = replicationFactor != null ? replicationFactor : 3;
            out.println("# MirrorMaker 2 for the flows into region " + regions.self().orElseThrow()
                    + ": connect-mirror-maker.sh this-file --clusters " + regions.self().orElseThrow());
            Mirror.properties(regions, bootstrap, rf).forEach((k, v) -> out.println(k + " = " + v));
            out.flush();
            return 0;
        }
        int rf = replicationFactor != null ? replicationFactor : brokers(bootstrap);
        CountDownLatch stopped = new CountDownLatch(1);
        try (Mirror mirror = Mirror.start(regions, bootstrap, rf)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "mirror-shutdown"));
            stopped.await();
        }
        return 0;
    }

    private static int brokers(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return Math.min(3, admin.describeCluster().nodes().get(120, TimeUnit.SECONDS).size());
        }
    }
}
