package io.mediagateway.sync.app.cli;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.mediagateway.sync.app.SyncService;
import io.mediagateway.sync.demo.DemoBackend;
import io.mediagateway.sync.demo.DeviceSimulator;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.web.ApiError;
import io.mediagateway.sync.web.JwtTokens;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;

/**
 * {@code serve} plus a gateway of simulated devices (a TV, a phone and a web client for each demo user)
 * and the dashboard. The demo users' tokens are printed, and handed to browsers on this machine at
 * {@code GET /demo/sessions} so the dashboard can offer them in its user picker.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the service with simulated devices for a few users and the live dashboard at /.",
                "Devices heartbeat every 5 s, play content at 20x speed, edit watchlists, hand off, and one",
                "phone goes silent for 45 s every 2 minutes so its presence times out (SYNC_PRESENCE_TIMEOUT_MS",
                "defaults to 20000 in the demo). A few malformed records go to sync.dead-letters each minute.",
                "A simulated backend sends each user notifications (one expiring soon, one urgent) and broadcasts an",
                "announcement every 3 minutes."},
        footer = EnvironmentHelp.TEXT)
final class DemoCommand implements Callable<Integer> {
    static final List<String> DEMO_USERS = List.of("alice", "bob", "carol");
    static final String DEMO_PRESENCE_TIMEOUT_MS = "20000";
    private static final Duration TOKEN_LIFETIME = Duration.ofDays(1);

    @Override
    public Integer call() throws InterruptedException {
        AtomicReference<SyncService> running = new AtomicReference<>();
        return ServeCommand.run(demoEnvironment(System.getenv()), SyncService.Role.ALL,
                routes -> registerSessions(routes, running), service -> {
                    running.set(service);
                    DeviceSimulator simulator = new DeviceSimulator(DeviceSimulator.Settings.demo(DEMO_USERS))
                            .start(producer(service.bootstrapServers()), Topics.DEVICE_EVENTS.name(),
                                    System::currentTimeMillis);
                    DemoBackend backend = new DemoBackend(DemoBackend.Settings.demo(DEMO_USERS))
                            .start(producer(service.bootstrapServers()), System::currentTimeMillis);
                    System.out.println(banner(service));
                    return () -> {
                        backend.close();
                        simulator.close();
                    };
                });
    }

    /**
     * The demo's defaults on top of the environment: a presence timeout short enough to watch happen, and
     * a JWT secret made for this run when none is set (the banner's links carry tokens signed with it, so
     * the service's warning about a missing secret would only be noise here).
     */
    static Map<String, String> demoEnvironment(Map<String, String> env) {
        Map<String, String> demo = new HashMap<>(env);
        demo.putIfAbsent("SYNC_PRESENCE_TIMEOUT_MS", DEMO_PRESENCE_TIMEOUT_MS);
        demo.putIfAbsent("SYNC_JWT_SECRET", JwtTokens.randomSecret());
        return demo;
    }

    private static Producer<String, String> producer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "media-gateway-sync-demo-devices",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new StringSerializer());
    }

    private static List<Map<String, String>> sessions(SyncService service) {
        JwtTokens tokens = new JwtTokens(service.jwtSecret());
        Instant now = Instant.now();
        return DEMO_USERS.stream().map(user -> {
            Map<String, String> session = new LinkedHashMap<>();
            session.put("user_id", user);
            session.put("device_id", DeviceSimulator.webOf(user));
            // In the demo's region: the dashboard follows its broadcasts.
            session.put("token", tokens.forUser(user, DeviceSimulator.webOf(user), DemoBackend.REGION, TOKEN_LIFETIME, now));
            return session;
        }).toList();
    }

    /** Tokens are secrets: only a browser on this machine gets them without having been shown the console. */
    private static void registerSessions(JavalinConfig config, AtomicReference<SyncService> running) {
        config.routes.get("/demo/sessions", ctx -> {
            SyncService service = running.get();
            if (!isLoopback(ctx)) {
                fail(ctx, HttpStatus.FORBIDDEN, "forbidden",
                        "demo sessions are given to browsers on the demo's own machine; use a token from its console");
            } else if (service == null) {
                ctx.header("Retry-After", "1");
                fail(ctx, HttpStatus.SERVICE_UNAVAILABLE, "not_ready", "the demo is still starting");
            } else {
                ctx.json(Map.of("users", sessions(service)));
            }
        });
    }

    private static boolean isLoopback(Context ctx) {
        try {
            return InetAddress.getByName(ctx.req().getRemoteAddr()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void fail(Context ctx, HttpStatus status, String code, String message) {
        ctx.status(status).json(new ApiError(code, message).body());
    }

    private static String banner(SyncService service) {
        String base = "http://localhost:" + service.httpPort() + "/";
        StringBuilder out = new StringBuilder("\nMedia Gateway Sync demo is running.\n  Dashboard: ").append(base)
                .append("\n  Log in as a demo user (each link carries a token valid for a day):\n");
        for (Map<String, String> session : sessions(service)) {
            out.append("    ").append(String.format("%-6s", session.get("user_id"))).append(' ').append(base)
                    .append("#token=").append(session.get("token")).append('\n');
        }
        if (!System.getenv().containsKey("SYNC_JWT_SECRET")) {
            out.append("  The links stop working when the demo stops (SYNC_JWT_SECRET keeps them across restarts).\n");
        }
        out.append("  Simulated devices produce to ").append(Topics.DEVICE_EVENTS.name()).append("; a few malformed records,\n")
                .append("  sent on purpose, land in ").append(Topics.DEAD_LETTERS.name())
                .append(" (the first of each reason in a task is logged as a WARN).\n  A simulated backend sends")
                .append(" notifications to ").append(Topics.NOTIFICATIONS.name()).append(" and broadcasts to ")
                .append(Topics.BROADCASTS.name()).append(".\n");
        out.append(System.getenv().containsKey("PUBNUB_SECRET_KEY")
                ? "  PubNub is configured: a device's token and key come from POST " + base + "api/v1/pubnub/token\n"
                + "  (the dashboard's PubNub panel shows them).\n"
                : "  PubNub is not configured (PUBNUB_PUBLISH_KEY, PUBNUB_SUBSCRIBE_KEY, PUBNUB_SECRET_KEY): deltas stay on\n"
                + "  Kafka, the WebSocket and PostgreSQL.\n");
        out.append("  Metrics: ").append(base)
                .append("metrics   Stop: Ctrl+C\n");
        return out.toString();
    }
}
