package io.mediagateway.sync.app.cli;

import io.javalin.config.JavalinConfig;
import io.mediagateway.sync.app.ConfigException;
import io.mediagateway.sync.app.SyncConfig;
import io.mediagateway.sync.app.SyncService;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
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
        return run(System.getenv(), SyncService.Role.ALL, routes -> { }, service -> () -> { });
    }

    /**
     * Starts {@code role} with {@code extraRoutes}, runs {@code afterStart}, and blocks until the JVM is
     * asked to stop; then closes what {@code afterStart} returned before the service.
     */
    static int run(Map<String, String> env, SyncService.Role role, Consumer<JavalinConfig> extraRoutes,
                   Function<SyncService, AutoCloseable> afterStart) throws InterruptedException {
        SyncConfig config;
        try {
            config = SyncConfig.fromEnv(env);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        SyncService service;
        try {
            service = SyncService.start(config, role, extraRoutes);
        } catch (RuntimeException e) {
            log.error("Start failed: {}", e.getMessage(), e);
            System.err.println("media-gateway-sync could not start: " + e.getMessage());
            return 1;
        }
        AtomicReference<AutoCloseable> extra = new AtomicReference<>(() -> { });
        Thread hook = new Thread(() -> {
            try {
                extra.get().close();
            } catch (Exception e) {
                log.error("Error while stopping {}", extra.get(), e);
            }
            service.close();
        }, "sync-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        extra.set(afterStart.apply(service));
        service.awaitStopped();
        return service.exitCode();
    }
}
