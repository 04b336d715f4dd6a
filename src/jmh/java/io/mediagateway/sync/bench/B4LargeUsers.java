package io.mediagateway.sync.bench;

import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.topology.StreamsProperties;
import io.mediagateway.sync.topology.SyncTopology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * B4: events/s for users holding 10,000 watchlist items (and as many progress entries) against users
 * holding 10 — one event's cost must not grow with its user's state. Both sizes in every repetition.
 */
final class B4LargeUsers implements Scenario {
    static final int USERS = 10;

    @Override
    public String id() {
        return "B4";
    }

    @Override
    public String title() {
        return "events/s, users with 10,000 items vs 10 items";
    }

    @Override
    public String goal() {
        return "ratio ≥ 0.8";
    }

    @Override
    public String settings(BenchContext ctx) {
        return String.format("%d users preloaded with %,d (vs 10) watchlist items and as many progress entries, then %,d "
                + "mixed events (add, remove of that add, progress, preference, heartbeat) produced as fast as the producer "
                + "goes, timed from the first send to the last commit; `ratio`: the users holding %,d items, events on 10 "
                + "of them, as in the small case (the cost of the state held); `spread ratio`: events over all %,d items "
                + "(every event a key the record cache has not seen); a fresh embedded broker per case, 1 stream thread, "
                + "commit interval %d ms", USERS, large(ctx), events(ctx), large(ctx), large(ctx),
                StreamsProperties.DEFAULT_COMMIT_INTERVAL_MS);
    }

    private static int large(BenchContext ctx) {
        return ctx.size(10_000, 500);
    }

    private static int events(BenchContext ctx) {
        return ctx.size(100_000, 5_000);
    }

    @Override
    public List<String> metrics() {
        return List.of("large events/s", "small events/s", "ratio", "large spread events/s", "spread ratio");
    }

    @Override
    public Map<String, Double> run(BenchContext ctx) throws Exception {
        double small = throughput(ctx, 10, 10);
        double large = throughput(ctx, large(ctx), 10);
        double spread = throughput(ctx, large(ctx), large(ctx));
        return Scenario.sample("large events/s", large, "small events/s", small, "ratio", large / small,
                "large spread events/s", spread, "spread ratio", spread / small);
    }

    private static double throughput(BenchContext ctx, int items, int touched) throws Exception {
        int events = events(ctx);
        try (BenchContext.Broker broker = ctx.broker("b4-" + items); Admin admin = broker.admin();
             KafkaProducer<String, byte[]> producer = broker.producer()) {
            MixedEvents gen = new MixedEvents(items, touched, System.currentTimeMillis() - 3_600_000);
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int u = 0; u < USERS; u++) {
                for (int i = 0; i < items; i++) {
                    sent.add(BenchContext.send(producer, Topics.DEVICE_EVENTS.name(), "user-" + u, gen.seedAdd(i)));
                    sent.add(BenchContext.send(producer, Topics.DEVICE_EVENTS.name(), "user-" + u, gen.seedProgress(i)));
                }
            }
            BenchContext.await(sent);
            String applicationId = "b4-" + items + "-" + System.nanoTime();
            Properties props = StreamsProperties.of(applicationId, broker.bootstrap(), ctx.dir("b4-streams"), 1,
                    StreamsProperties.DEFAULT_COMMIT_INTERVAL_MS, 0);
            try (KafkaStreams streams = new KafkaStreams(SyncTopology.build(new StreamsConfig(props),
                    SyncTopology.Settings.defaults()), props)) {
                BenchContext.failFast(streams);
                streams.start();
                BenchContext.awaitCommitted(admin, applicationId, Topics.DEVICE_EVENTS.name(), Duration.ofMinutes(10), streams);
                long start = System.nanoTime();
                for (int e = 0; e < events; e++) {
                    // Groups of five per user, so a remove goes to the user and item its add went to.
                    sent.add(BenchContext.send(producer, Topics.DEVICE_EVENTS.name(), "user-" + (e / 5 % USERS), gen.next()));
                }
                BenchContext.await(sent);
                BenchContext.awaitCommitted(admin, applicationId, Topics.DEVICE_EVENTS.name(), Duration.ofMinutes(10), streams);
                return events / ((System.nanoTime() - start) / 1e9);
            }
        }
    }

    @Override
    public Verdict verdict(Map<String, Stats> stats) {
        double ratio = stats.get("ratio").median();
        return new Verdict(ratio >= 0.8, String.format("ratio %.2f (events over all the items: %.2f)", ratio,
                stats.get("spread ratio").median()));
    }
}
