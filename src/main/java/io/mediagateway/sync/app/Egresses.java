package io.mediagateway.sync.app;

import io.mediagateway.sync.deadletter.DeadLetterWriter;
import io.mediagateway.sync.egress.Backoff;
import io.mediagateway.sync.egress.DeltaSink;
import io.mediagateway.sync.egress.EgressLoop;
import io.mediagateway.sync.egress.EgressMetrics;
import io.mediagateway.sync.egress.postgres.SinkDatabase;
import io.mediagateway.sync.egress.pubnub.PubNubIngress;
import io.mediagateway.sync.egress.pubnub.PubNubSink;
import io.mediagateway.sync.egress.pubnub.UserCipherKeys;
import io.mediagateway.sync.topics.Topics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The egress consumers of one process: the PostgreSQL and PubNub sinks, each its own consumer group on
 * {@code sync.state-deltas} ({@code <application id>-postgres-sink}, {@code <application id>-pubnub-sink}),
 * and the analytics topics' sinks; closed in the reverse order of their start, the dead-letter producer last.
 */
final class Egresses implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Egresses.class);

    private final SyncConfig config;
    private final String bootstrapServers;
    private final ServiceMetrics metrics;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Deque<EgressLoop> loops = new ArrayDeque<>();

    private Egresses(SyncConfig config, String bootstrapServers, ServiceMetrics metrics) {
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.metrics = metrics;
    }

    /** Starts every egress the configuration asks for (none when PostgreSQL is off and PubNub unset). */
    static Egresses start(SyncConfig config, String bootstrapServers, ServiceMetrics metrics, Optional<SinkDatabase> database) {
        Egresses egresses = new Egresses(config, bootstrapServers, metrics);
        if (database.isEmpty() && config.pubnub().isEmpty()) {
            log.info("No egress: PostgreSQL is off and PubNub is not configured");
            return egresses;
        }
        DeadLetterWriter deadLetters = DeadLetterWriter.create(bootstrapServers, config.applicationId() + "-egress");
        egresses.started.push(deadLetters);
        metrics.bind(deadLetters.clientMetrics());
        database.ifPresent(db -> {
            EgressMetrics sinkMetrics = new EgressMetrics(metrics.registry(), "postgres");
            egresses.loop(Topics.STATE_DELTAS.name(), db.deltasSink(deadLetters, sinkMetrics, Backoff.DEFAULT), sinkMetrics);
            // Every analytics application's hourly figures (the live one's and each replay's), by application id.
            EgressMetrics statsMetrics = new EgressMetrics(metrics.registry(), "analytics-postgres");
            egresses.loop(Topics.CONTENT_HOURLY.name(), db.contentHourlySink(deadLetters, statsMetrics, Backoff.DEFAULT),
                    statsMetrics);
        });
        config.pubnub().ifPresentOrElse(pn -> {
            EgressMetrics sinkMetrics = new EgressMetrics(metrics.registry(), "pubnub");
            PubNubSink.Connection connection = connection(config, pn);
            log.info("PubNub egress to {} (TLS {}, {} users at once{}{})", pn.origin().orElse("the PubNub network"),
                    pn.secure() ? "on" : "off", config.pubnubConcurrency(),
                    pn.cipherKey().isPresent() ? ", broadcasts encrypted with PUBNUB_CIPHER_KEY" : "",
                    pn.access().userKeysSecret().isPresent() ? ", users' channels with each user's own key"
                            : pn.cipherKey().isPresent() ? ", users' channels too" : "");
            egresses.loop(Topics.STATE_DELTAS.name(), new PubNubSink("pubnub", PubNubSink.deltas(config.regions().self()),
                    connection, deadLetters, sinkMetrics, Backoff.DEFAULT, config.pubnubConcurrency()), sinkMetrics);
            // The live analytics application's trending list (not its replays') to global.trending.
            EgressMetrics trendingMetrics = new EgressMetrics(metrics.registry(), "trending-pubnub");
            egresses.loop(Topics.TRENDING.name(), new PubNubSink("trending-pubnub",
                    PubNubSink.trending(config.analytics().applicationId(), config.trendingPublishInterval()), connection,
                    deadLetters, trendingMetrics, Backoff.DEFAULT, 1), trendingMetrics);
            // Broadcasts (contract §14): each published once for the cluster, in order per channel.
            EgressMetrics broadcastMetrics = new EgressMetrics(metrics.registry(), "broadcasts-pubnub");
            egresses.loop(Topics.BROADCASTS.name(), new PubNubSink("broadcasts-pubnub", PubNubSink.BROADCASTS, connection,
                    deadLetters, broadcastMetrics, Backoff.DEFAULT, config.pubnubConcurrency()), broadcastMetrics);
            if (pn.access().ingress()) {
                // Devices publishing on their channels (contract §15): one subscriber for the cluster, elected here.
                egresses.started.push(new PubNubIngress(connection, new PubNubIngress.Settings(bootstrapServers,
                        config.applicationId(), pn.access().ingressTakeover()), metrics.registry()).start());
                log.info("PubNub ingress on: one instance subscribes to {} for the cluster (group {}-pubnub-ingress)",
                        "user.*", config.applicationId());
            }
        }, () -> log.info("PubNub egress off: PUBNUB_PUBLISH_KEY and PUBNUB_SUBSCRIBE_KEY are unset"));
        return egresses;
    }

    /**
     * How this service talks to PubNub. Its PubNub user id is {@code <application id>.service}: a dot, which no user
     * id has, so no device's token can be bound to it and the ingress knows the service's own publishes by it.
     */
    static PubNubSink.Connection connection(SyncConfig config, SyncConfig.PubNub pn) {
        Optional<UserCipherKeys> userKeys = pn.access().userKeysSecret()
                .map(secret -> new UserCipherKeys(secret, pn.access().previousUserKeysSecret()));
        return new PubNubSink.Connection(pn.publishKey(), pn.subscribeKey(), pn.secretKey(), pn.origin(), pn.secure(),
                pn.cipherKey(), config.applicationId() + ".service", userKeys);
    }

    private void loop(String topic, DeltaSink sink, EgressMetrics sinkMetrics) {
        EgressLoop loop = new EgressLoop(bootstrapServers, topic, config.applicationId() + "-" + sink.name() + "-sink", sink,
                sinkMetrics, config.egressBatch(), Duration.ofSeconds(10), config.kafkaSessionTimeout()).start();
        loops.add(loop);
        started.push(loop);
        metrics.bind(loop.clientMetrics());
    }

    boolean isEmpty() {
        return loops.isEmpty();
    }

    List<String> names() {
        return loops.stream().map(EgressLoop::name).toList();
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable next = started.pop();
            try {
                next.close();
            } catch (Exception e) {
                log.error("Error while stopping an egress", e);
            }
        }
    }
}
