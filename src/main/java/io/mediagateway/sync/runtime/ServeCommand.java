package io.mediagateway.sync.runtime;

import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/** Runs the service until SIGTERM/SIGINT, then stops it gracefully. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the sync service (embedded Kafka and PostgreSQL when none is configured).",
        footer = EnvironmentHelp.TEXT)
final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Override
    public Integer call() throws InterruptedException {
        return run(System.getenv(), service -> { });
    }

    /** Starts the service, runs {@code afterStart}, and blocks until the JVM is asked to stop. */
    static int run(java.util.Map<String, String> env, java.util.function.Consumer<SyncService> afterStart)
            throws InterruptedException {
        return run(env, SyncService.Role.ALL, afterStart);
    }

    /** Starts {@code role}, runs {@code afterStart}, and blocks until the JVM is asked to stop. */
    static int run(java.util.Map<String, String> env, SyncService.Role role,
                   java.util.function.Consumer<SyncService> afterStart) throws InterruptedException {
        SyncConfig config;
        try {
            config = SyncConfig.fromEnv(env);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        SyncService service;
        try {
            service = SyncService.start(config, role);
        } catch (RuntimeException e) {
            log.error("Start failed: {}", e.getMessage(), e);
            System.err.println("media-gateway-sync could not start: " + e.getMessage());
            return 1;
        }
        Thread hook = new Thread(service::close, "sync-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        afterStart.accept(service);
        service.awaitStopped();
        return 0;
    }
}
