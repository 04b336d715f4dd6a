package io.mediagateway.sync.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class CommandLineTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(CommandLine cli, String... args) {
        cli.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"serve", "demo", "egress", "replay", "token", "topics", "mirror"})
    void shouldPrintHelpForEveryCommand(String command) {
        assertThat(run(Main.commandLine(), command, "--help")).isZero();

        assertThat(out.toString()).contains("Usage: media-gateway-sync " + command);
        if (command.equals("topics")) {
            assertThat(out.toString()).contains("--bootstrap-server", "KAFKA_BOOTSTRAP_SERVERS");
        } else if (command.equals("replay")) {
            assertThat(out.toString()).contains("serving", "analytics", "--from", "--to", "--into", "KAFKA_BOOTSTRAP_SERVERS",
                    "SYNC_SERVING_APPLICATION_ID", "ETA");
        } else if (command.equals("mirror")) {
            assertThat(out.toString()).contains("SYNC_REGION", "SYNC_PEER_REGIONS", "SYNC_MIRROR=off", "--print-config");
        } else if (!command.equals("token")) {
            assertThat(out.toString()).contains("KAFKA_BOOTSTRAP_SERVERS", "SYNC_JWT_SECRET", "PG_URL");
        }
    }

    @Test
    void shouldListTheCommandsAndFailWithoutOne() {
        assertThat(run(Main.commandLine())).isEqualTo(2);

        assertThat(err.toString()).contains("serve", "demo", "egress", "replay", "token", "topics", "mirror",
                "Missing a command");
    }

    @Test
    void shouldPrintMirrorMakersConfigurationForTheFlowsIntoThisRegion() {
        CommandLine cli = new CommandLine(new MirrorCommand(Map.of("SYNC_REGION", "us", "SYNC_PEER_REGIONS",
                "eu=kafka-eu:9092", "KAFKA_BOOTSTRAP_SERVERS", "kafka-us:9092")));

        assertThat(run(cli, "--print-config", "--replication-factor", "3")).isZero();

        assertThat(out.toString()).contains("--clusters us", "clusters = us, eu", "us.bootstrap.servers = kafka-us:9092",
                "eu.bootstrap.servers = kafka-eu:9092", "eu->us.enabled = true", "us->eu.enabled = false",
                "eu->us.topics = sync[.]device-events|sync[.]notifications", "replication.factor = 3");
        assertThat(run(new CommandLine(new MirrorCommand(Map.of("SYNC_REGION", "us"))), "--print-config")).isEqualTo(2);
        assertThat(err.toString()).contains("mirror needs SYNC_REGION, SYNC_PEER_REGIONS and KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void shouldRefuseAReplayItCannotRunBeforeReachingKafka() {
        assertThat(run(Main.commandLine(), "replay", "everything")).isEqualTo(2);
        assertThat(err.toString()).contains("APPLICATION must be serving or analytics, not 'everything'");

        assertThat(run(Main.commandLine(), "replay", "analytics", "--from", "yesterday")).isEqualTo(2);
        assertThat(err.toString()).contains("--from 'yesterday' is not a time");

        assertThat(run(Main.commandLine(), "replay", "serving", "--into", "media-gateway-sync")).isEqualTo(2);
        assertThat(err.toString()).contains("a serving replay builds beside the running application");

        assertThat(run(Main.commandLine(), "replay", "analytics", "--from", "2026-11-22", "--to", "2026-11-21")).isEqualTo(2);
        assertThat(err.toString()).contains("--from must be before --to");
    }

    @Test
    void shouldReadReplayTimesAsInstantsDatesOrEpochMilliseconds() {
        assertThat(ReplayCommand.parseTime("2026-11-21T10:00:00Z")).isEqualTo(java.time.Instant.parse("2026-11-21T10:00:00Z"));
        assertThat(ReplayCommand.parseTime("2026-11-21T12:00:00+02:00")).isEqualTo(java.time.Instant.parse("2026-11-21T10:00:00Z"));
        assertThat(ReplayCommand.parseTime("2026-11-21")).isEqualTo(java.time.Instant.parse("2026-11-21T00:00:00Z"));
        assertThat(ReplayCommand.parseTime("2026-11-21T10:30")).isEqualTo(java.time.Instant.parse("2026-11-21T10:30:00Z"));
        assertThat(ReplayCommand.parseTime("1763719200000")).isEqualTo(java.time.Instant.ofEpochMilli(1763719200000L));
    }

    @Test
    void shouldMintAUserTokenThatVerifiesWithTheSecret() {
        CommandLine cli = new CommandLine(new TokenCommand(Map.of("SYNC_JWT_SECRET", "a-secret")));

        assertThat(run(cli, "--user", "alice", "--device", "tv-living-room", "--ttl", "2h")).isZero();

        DecodedJWT jwt = JWT.require(Algorithm.HMAC256("a-secret")).build().verify(out.toString().trim());
        assertThat(jwt.getSubject()).isEqualTo("alice");
        assertThat(jwt.getClaim("device_id").asString()).isEqualTo("tv-living-room");
        assertThat(jwt.getExpiresAtAsInstant()).isBetween(jwt.getIssuedAtAsInstant().plusSeconds(7199),
                jwt.getIssuedAtAsInstant().plusSeconds(7201));
    }

    @Test
    void shouldMintAServiceToken() {
        CommandLine cli = new CommandLine(new TokenCommand(Map.of("SYNC_JWT_SECRET", "a-secret")));

        assertThat(run(cli, "--service", "playback")).isZero();

        DecodedJWT jwt = JWT.require(Algorithm.HMAC256("a-secret")).build().verify(out.toString().trim());
        assertThat(jwt.getSubject()).isEqualTo("playback");
        assertThat(jwt.getClaim("role").asString()).isEqualTo("service");
    }

    @Test
    void shouldMintAnAdminTokenAndAUserTokenWithARegion() {
        CommandLine cli = new CommandLine(new TokenCommand(Map.of("SYNC_JWT_SECRET", "a-secret")));
        assertThat(run(cli, "--admin", "ops")).isZero();
        DecodedJWT admin = JWT.require(Algorithm.HMAC256("a-secret")).build().verify(out.toString().trim());
        assertThat(admin.getSubject()).isEqualTo("ops");
        assertThat(admin.getClaim("role").asString()).isEqualTo("admin");

        out.getBuffer().setLength(0);
        cli = new CommandLine(new TokenCommand(Map.of("SYNC_JWT_SECRET", "a-secret")));
        assertThat(run(cli, "--user", "alice", "--device", "tv", "--region", "eu-west")).isZero();
        DecodedJWT user = JWT.require(Algorithm.HMAC256("a-secret")).build().verify(out.toString().trim());
        assertThat(user.getClaim("region").asString()).isEqualTo("eu-west");

        assertThat(run(new CommandLine(new TokenCommand(Map.of("SYNC_JWT_SECRET", "s"))),
                "--user", "alice", "--device", "tv", "--region", "eu west")).isEqualTo(2);
        assertThat(err.toString()).contains("--region must be");
    }

    @Test
    void shouldRefuseWithoutASecretOrWithABadIdentifier() {
        assertThat(run(new CommandLine(new TokenCommand(Map.of())), "--user", "alice", "--device", "tv")).isEqualTo(2);
        assertThat(err.toString()).contains("SYNC_JWT_SECRET is not set");

        assertThat(run(new CommandLine(new TokenCommand(Map.of("SYNC_JWT_SECRET", "s"))),
                "--user", "user.with.dots", "--device", "tv")).isEqualTo(2);
        assertThat(err.toString()).contains("--user must be 1-64 chars of [A-Za-z0-9_-], got 'user.with.dots'");

        assertThat(run(new CommandLine(new TokenCommand(Map.of("SYNC_JWT_SECRET", "s"))),
                "--user", "alice", "--device", "tv", "--ttl", "forever")).isEqualTo(2);
        assertThat(err.toString()).contains("--ttl must be a number followed by s, m, h or d");
    }
}
