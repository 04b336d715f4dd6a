package io.mediagateway.sync.app.cli;

import io.mediagateway.sync.app.ConfigException;
import io.mediagateway.sync.app.SyncConfig;
import io.mediagateway.sync.app.replay.ProgressBar;
import io.mediagateway.sync.app.replay.Replay;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code replay serving|analytics}: reprocess the event log into an application id, with a progress bar. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Reprocess sync.device-events for one application, as the Kafka Streams reset tool would prepare it:",
                "the target application id must have no running members; its internal topics and local state are",
                "deleted, its offsets set to --from, and the topology runs here until it has processed the log up to",
                "its end at the start (or --to), showing records done / total, rate and ETA, then a summary.",
                "",
                "  analytics  viewing statistics and trending. Figures are written under the target id",
                "             (sync.analytics.content-hourly, table content_hourly_stats), beside the live",
                "             application's. With --from/--to only events whose event time is in the period count.",
                "  serving    the user state, built silently (no deltas, no dead letters) into a new application",
                "             id beside the running one; then switch with SYNC_SERVING_APPLICATION_ID=<id>."},
        footer = {"", "Times: an ISO-8601 instant (2026-11-21T10:00:00Z), a UTC date (2026-11-21) or date and time",
                "(2026-11-21T10:00), or epoch milliseconds. The cluster is --bootstrap-server, else",
                "KAFKA_BOOTSTRAP_SERVERS, else the embedded broker of a running demo/serve (127.0.0.1:SYNC_EMBEDDED_KAFKA_PORT).",
                "Application ids, data dir, grace and the rest come from the environment as for serve; logs show",
                "warnings only unless SYNC_LOG_LEVEL is set.",
                "",
                "Examples:",
                "  replay analytics --from 2026-11-21 --to 2026-11-22 --into media-gateway-sync-analytics-nov21",
                "  replay serving --into media-gateway-sync-v2"})
final class ReplayCommand implements Callable<Integer> {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    @Parameters(index = "0", paramLabel = "APPLICATION", description = "serving or analytics")
    String application;

    @Option(names = "--from", paramLabel = "TIME", defaultValue = "earliest",
            description = "start: earliest (default) or a time")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "analytics: end of the period (exclusive); default: now")
    String to;

    @Option(names = "--into", paramLabel = "APPLICATION_ID",
            description = "the application id to build (default: <the application's id>-replay-<UTC time>); for "
                    + "analytics it may be the live id, stopped, to reset it in place")
    String into;

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT", description = "the Kafka cluster")
    String bootstrapServer;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        SyncConfig config;
        try {
            config = SyncConfig.fromEnv(System.getenv());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Replay.Application app = switch (application.toLowerCase(Locale.ROOT)) {
            case "serving" -> Replay.Application.SERVING;
            case "analytics" -> Replay.Application.ANALYTICS;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "APPLICATION must be serving or analytics, not '" + application + "'");
        };
        Optional<Instant> start = "earliest".equalsIgnoreCase(from) ? Optional.empty() : Optional.of(time("--from", from));
        Optional<Instant> end = to == null ? Optional.empty() : Optional.of(time("--to", to));
        String base = app == Replay.Application.SERVING ? config.servingApplicationId() : config.analytics().applicationId();
        String target = into != null ? into : base + "-replay-" + STAMP.format(Instant.now());
        if (!target.matches("[A-Za-z0-9._-]{1,200}")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--into must be 1-200 chars of [A-Za-z0-9._-]");
        }
        String bootstrap = bootstrapServer != null ? bootstrapServer : config.kafkaBootstrapServers()
                .orElse("127.0.0.1:" + config.embeddedKafkaPort());
        Replay.Plan plan = new Replay.Plan(app, target, start, end);
        Replay replay = new Replay(config, bootstrap, Duration.ofMillis(250));
        try {
            replay.validate(plan);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (System.getenv("SYNC_LOG_LEVEL") == null) {
            quietLogs();
        }
        PrintStream out = System.out;
        out.printf("Replaying %s into %s from %s%s on %s%n", app.label(), target,
                start.map(Instant::toString).orElse("the earliest offset"), end.map(t -> " to " + t).orElse(""), bootstrap);
        ProgressBar bar = new ProgressBar(out, System.console() != null, Duration.ofSeconds(5));
        Replay.Result result;
        try {
            result = replay.run(plan, (done, total) -> bar.update(done, total, System.nanoTime()));
        } catch (RuntimeException e) {
            bar.finish();
            System.err.println("replay failed: " + e.getMessage());
            return 1;
        }
        bar.finish();
        out.printf(Locale.ROOT, "Done: %,d records in %s (%,.0f records/s)%n", result.records(),
                ProgressBar.duration(result.elapsed().toSeconds()), result.rate());
        result.summary().forEach(out::println);
        out.flush();
        return 0;
    }

    /** The progress bar and the summary are the output: logs only for warnings of ours and Kafka's errors. */
    private static void quietLogs() {
        if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logback) {
            logback.getLogger("io.mediagateway.sync").setLevel(ch.qos.logback.classic.Level.WARN);
            logback.getLogger("org.apache.kafka").setLevel(ch.qos.logback.classic.Level.ERROR);
        }
    }

    private Instant time(String option, String raw) {
        try {
            return parseTime(raw);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " " + e.getMessage());
        }
    }

    /** An ISO-8601 instant, a UTC date, a UTC date and time, or epoch milliseconds. */
    static Instant parseTime(String raw) {
        String s = raw.trim();
        try {
            if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
                return Instant.ofEpochMilli(Long.parseLong(s));
            }
            if (s.length() == 10) {
                return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            if (s.endsWith("Z") || s.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return java.time.OffsetDateTime.parse(s).toInstant();
            }
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + raw + "' is not a time: use 2026-11-21T10:00:00Z, 2026-11-21, "
                    + "2026-11-21T10:00 (UTC) or epoch milliseconds");
        }
    }
}
