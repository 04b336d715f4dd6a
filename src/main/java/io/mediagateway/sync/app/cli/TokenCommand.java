package io.mediagateway.sync.app.cli;

import io.mediagateway.sync.model.BroadcastChannel;
import io.mediagateway.sync.model.Identifiers;
import io.mediagateway.sync.web.JwtTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints a development JWT signed with {@code SYNC_JWT_SECRET}. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Print a JWT signed with SYNC_JWT_SECRET (HS256) for a user's device or for a backend service.",
        footer = {"", "Examples:", "  SYNC_JWT_SECRET=s3cret token --user alice --device tv-living-room",
                "  SYNC_JWT_SECRET=s3cret token --service playback --ttl 1h",
                "  SYNC_JWT_SECRET=s3cret token --admin ops --ttl 1h"})
final class TokenCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Subject subject;

    static final class Subject {
        @ArgGroup(exclusive = false)
        UserDevice user;

        @Option(names = "--service", required = true, paramLabel = "NAME",
                description = "a service token (role=service, sub=NAME) that may act for any user")
        String service;

        @Option(names = "--admin", required = true, paramLabel = "NAME",
                description = "an admin token (role=admin, sub=NAME): a service that may also post global.announcements")
        String admin;
    }

    static final class UserDevice {
        @Option(names = "--user", required = true, paramLabel = "U", description = "user id (sub claim)")
        String user;

        @Option(names = "--device", required = true, paramLabel = "D", description = "device id (device_id claim)")
        String device;

        @Option(names = "--region", paramLabel = "CODE",
                description = "region claim: the device follows the broadcasts of region.CODE.updates")
        String region;
    }

    @Option(names = "--ttl", defaultValue = "24h", paramLabel = "DURATION",
            description = "lifetime, e.g. 30m, 24h, 7d (default: ${DEFAULT-VALUE})")
    String ttl;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, String> env;

    TokenCommand() {
        this(System.getenv());
    }

    TokenCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        String secret = env.get("SYNC_JWT_SECRET");
        if (secret == null || secret.isBlank()) {
            spec.commandLine().getErr().println("SYNC_JWT_SECRET is not set: a token must be signed with the "
                    + "secret the service runs with. Set it here and for 'serve'.");
            return 2;
        }
        Duration lifetime;
        try {
            lifetime = parseDuration(ttl);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ttl " + e.getMessage());
        }
        JwtTokens tokens = new JwtTokens(secret);
        String token;
        String backend = subject.service != null ? subject.service : subject.admin;
        if (backend != null) {
            String option = subject.service != null ? "--service" : "--admin";
            if (!Identifiers.isUserId(backend)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        option + " must be " + Identifiers.USER_ID_RULE + ", got '" + backend + "'");
            }
            token = subject.service != null ? tokens.forService(backend, lifetime, Instant.now())
                    : tokens.forAdmin(backend, lifetime, Instant.now());
        } else {
            if (!Identifiers.isUserId(subject.user.user)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--user must be " + Identifiers.USER_ID_RULE + ", got '" + subject.user.user + "'");
            }
            if (!Identifiers.isDeviceId(subject.user.device)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--device must be " + Identifiers.DEVICE_ID_RULE + ", got '" + subject.user.device + "'");
            }
            String region = subject.user.region;
            if (region != null && BroadcastChannel.region(region).isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--region must be " + BroadcastChannel.SEGMENT_RULE + ", got '" + region + "'");
            }
            token = region == null ? tokens.forUser(subject.user.user, subject.user.device, lifetime, Instant.now())
                    : tokens.forUser(subject.user.user, subject.user.device, region, lifetime, Instant.now());
        }
        spec.commandLine().getOut().println(token);
        return 0;
    }

    /** {@code 30s}, {@code 10m}, {@code 24h}, {@code 7d}. */
    static Duration parseDuration(String raw) {
        String s = raw.trim().toLowerCase(Locale.ROOT);
        if (s.matches("\\d{1,9}[smhd]")) {
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            return switch (s.charAt(s.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        throw new IllegalArgumentException("must be a number followed by s, m, h or d (e.g. 24h), got '" + raw + "'");
    }
}
