package io.mediagateway.sync.app.cli;

import io.mediagateway.sync.topics.TopicDefinition;
import io.mediagateway.sync.topics.Regions;
import io.mediagateway.sync.topics.TopicProvisioner;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Creates the topics of {@code topics/} (bundled in the jar) that are missing, then exits: what a
 * deployment runs once before the instances (docker-compose's {@code topics} service). The instances
 * do the same at start, so this is for clusters where they may not create topics themselves.
 */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = {"Create the missing topics declared in topics/ (partitions, replication, configs) and exit.",
                "Existing topics are checked: a partition count other than the declared one is an error."},
        footer = {"", "The cluster is --bootstrap-server, else KAFKA_BOOTSTRAP_SERVERS."})
final class TopicsCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT", description = "the Kafka cluster")
    String bootstrapServer;

    @Option(names = "--timeout", defaultValue = "120s", paramLabel = "DURATION",
            description = "how long to wait for the cluster (default: ${DEFAULT-VALUE})")
    String timeout;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String bootstrap = bootstrapServer != null ? bootstrapServer : System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        if (bootstrap == null || bootstrap.isBlank()) {
            err.println("topics needs a cluster: --bootstrap-server HOST:PORT or KAFKA_BOOTSTRAP_SERVERS");
            return 2;
        }
        Duration wait;
        try {
            wait = TokenCommand.parseDuration(timeout);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--timeout " + e.getMessage());
        }
        List<TopicDefinition> definitions;
        try {
            // With SYNC_REGION and SYNC_PEER_REGIONS, the peers' remote topics too (contract §16).
            definitions = Regions.fromEnv(System.getenv()).topicDefinitions();
        } catch (IllegalArgumentException e) {
            err.println("SYNC_REGION / SYNC_PEER_REGIONS: " + e.getMessage());
            return 2;
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<String> created = new TopicProvisioner(admin, wait).ensure(definitions);
            for (TopicDefinition def : definitions) {
                out.printf("%-30s %3d partitions  %s%n", def.name(), def.partitions(),
                        created.contains(def.name()) ? "created" : "exists");
            }
            out.flush();
            return 0;
        } catch (RuntimeException e) {
            err.println("topics failed on " + bootstrap + ": " + e.getMessage());
            return 1;
        }
    }
}
