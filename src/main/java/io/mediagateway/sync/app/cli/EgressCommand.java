package io.mediagateway.sync.app.cli;

import io.mediagateway.sync.app.SyncService;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Runs only the PubNub and PostgreSQL egress, apart from the instances that run the topology. */
@Command(name = "egress", mixinStandardHelpOptions = true,
        description = {"Run only the egress: deltas of sync.state-deltas to PostgreSQL (PG_URL) and PubNub",
                "(PUBNUB_PUBLISH_KEY, PUBNUB_SUBSCRIBE_KEY), each as its own consumer group. Needs",
                "KAFKA_BOOTSTRAP_SERVERS; serves /health and /ready on SYNC_PORT. Run the service instances",
                "with SYNC_EGRESS=off then."},
        footer = EnvironmentHelp.TEXT)
final class EgressCommand implements Callable<Integer> {

    @Override
    public Integer call() throws InterruptedException {
        return ServeCommand.run(System.getenv(), SyncService.Role.EGRESS_ONLY, routes -> { },
                service -> () -> { });
    }
}
