package io.mediagateway.sync.runtime;

import io.mediagateway.sync.web.JwtTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code serve} plus demo users; their simulated devices and the dashboard arrive with the demo issue. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the service with demo users and print a login token for each.",
        footer = EnvironmentHelp.TEXT)
final class DemoCommand implements Callable<Integer> {
    static final List<String> DEMO_USERS = List.of("alice", "bob", "carol");

    @Override
    public Integer call() throws InterruptedException {
        return ServeCommand.run(System.getenv(), service -> {
            JwtTokens tokens = new JwtTokens(service.jwtSecret());
            StringBuilder out = new StringBuilder("\nMedia Gateway Sync demo is running: http://localhost:")
                    .append(service.httpPort()).append("/\n");
            for (String user : DEMO_USERS) {
                out.append("  token for ").append(user).append(": ")
                        .append(tokens.forUser(user, "web-" + user, Duration.ofDays(1), Instant.now())).append('\n');
            }
            out.append("(Simulated devices are not part of this build yet; produce events to sync.device-events.)\n");
            System.out.println(out);
        });
    }
}
