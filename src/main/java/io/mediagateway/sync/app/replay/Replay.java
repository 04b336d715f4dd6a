package io.mediagateway.sync.app.replay;

import io.mediagateway.sync.analytics.AnalyticsCounters;
import io.mediagateway.sync.analytics.AnalyticsSettings;
import io.mediagateway.sync.analytics.AnalyticsStores;
import io.mediagateway.sync.analytics.AnalyticsTopology;
import io.mediagateway.sync.app.SyncConfig;
import io.mediagateway.sync.model.HourlyCounts;
import io.mediagateway.sync.topics.TopicProvisioner;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.topology.BoundedRocksDb;
import io.mediagateway.sync.topology.StreamsProperties;
import io.mediagateway.sync.topology.SyncStores;
import io.mediagateway.sync.topology.SyncTopology;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reprocesses {@code sync.device-events} for one application into a given application id, the way
 * the Kafka Streams application reset tool prepares a rerun: the target must have no running members;
 * its internal topics (changelogs, repartition topics) are deleted and its local state wiped; its
 * committed offsets on the log are set to the start (the earliest offset, or the first record at a
 * time, less the allowed clock skew); then the topology runs in this process until it has committed
 * every record up to the end of the log captured at the start, with progress reported as it goes.
 *
 * <p>The serving topology replays {@linkplain SyncTopology.Settings#silenced() silenced}: it builds the
 * stores and writes no deltas and no dead letters (the running application wrote them the first
 * time). The analytics topology writes its figures under the target's application id, so they sit
 * beside the live application's; with a period, only events whose event time is inside it count.
 *
 * <p>Why this file is over 300 lines: it is the replay procedure step by step, as Kafka's application reset
 * tool does it (wait for the members to go, delete internal topics and local state, set offsets, run to the
 * end of the log, summarise); the steps share their plan and read best in order.
 */
public final class Replay {
    private static final Logger log = LoggerFactory.getLogger(Replay.class);

    /** Which application is replayed. */
    public enum Application {
        SERVING, ANALYTICS;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param into the application id the replay builds (a new one, or an analytics id to reset in place)
     * @param from where to start: empty = the earliest offset
     * @param to   where to stop (analytics only): empty = the end of the log at the start
     */
    public record Plan(Application application, String into, Optional<Instant> from, Optional<Instant> to) {
    }

    /** Told how far the replay is, every poll. */
    public interface Progress {
        void update(long done, long total);
    }

    /** What a replay did: records reprocessed, how long it took, and what it built (lines for people). */
    public record Result(String applicationId, long records, Duration elapsed, List<String> summary) {
        public double rate() {
            return elapsed.toMillis() == 0 ? records : records * 1000.0 / elapsed.toMillis();
        }
    }

    /** Longer than a stream consumer's session timeout (45 s). */
    static final Duration MEMBERS_WAIT = Duration.ofSeconds(60);

    private final SyncConfig config;
    private final String bootstrap;
    private final Duration poll;
    private final AnalyticsCounters counters = new AnalyticsCounters();

    public Replay(SyncConfig config, String bootstrap, Duration poll) {
        this.config = config;
        this.bootstrap = bootstrap;
        this.poll = poll;
    }

    /** Checks the plan against the configuration: a serving replay never targets the running application. */
    public void validate(Plan plan) {
        if (plan.application() == Application.SERVING) {
            if (plan.into().equals(config.servingApplicationId())) {
                throw new IllegalArgumentException("a serving replay builds beside the running application: --into must "
                        + "differ from " + plan.into() + " (SYNC_SERVING_APPLICATION_ID)");
            }
            if (plan.to().isPresent()) {
                throw new IllegalArgumentException("--to applies to analytics: serving state is built up to now");
            }
        }
        if (plan.into().equals(plan.application() == Application.SERVING ? config.analytics().applicationId()
                : config.servingApplicationId())) {
            throw new IllegalArgumentException("--into " + plan.into() + " is the other application's id");
        }
        if (plan.from().isPresent() && plan.to().isPresent() && !plan.from().get().isBefore(plan.to().get())) {
            throw new IllegalArgumentException("--from must be before --to");
        }
    }

    public Result run(Plan plan, Progress progress) throws InterruptedException {
        validate(plan);
        long startNanos = System.nanoTime();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            new TopicProvisioner(admin, config.startupTimeout()).ensure(config.regions().topicDefinitions());
            Properties props = properties(plan.into());
            Topology topology = topology(plan, props);
            requireNoMembers(admin, plan.into());
            Set<String> internal = internalTopics(topology, plan.into());
            deleteTopics(admin, internal);

            // The serving state is built from both its inputs: the events and the notifications (kept two weeks).
            List<TopicPartition> partitions = partitions(admin, plan.application() == Application.SERVING
                    ? List.of(Topics.DEVICE_EVENTS.name(), Topics.NOTIFICATIONS.name()) : List.of(Topics.DEVICE_EVENTS.name()));
            long skew = config.maxClockSkewMs();
            Map<TopicPartition, Long> latest = offsets(admin, partitions, OffsetSpec.latest(), null);
            Map<TopicPartition, Long> start = plan.from().isEmpty()
                    ? offsets(admin, partitions, OffsetSpec.earliest(), latest)
                    : offsets(admin, partitions, OffsetSpec.forTimestamp(plan.from().get().toEpochMilli() - skew), latest);
            if (plan.application() == Application.SERVING && plan.from().isEmpty()) {
                trimmedLog(start).ifPresent(why -> {
                    throw new IllegalStateException(why);
                });
            }
            // Always to the end of the log: record timestamps need not grow along a partition (a gateway may
            // stamp records with device time), and an event of the period may arrive late; --to filters by event time.
            Map<TopicPartition, Long> end = latest;
            long total = partitions.stream().mapToLong(tp -> Math.max(0, end.get(tp) - start.get(tp))).sum();
            admin.alterConsumerGroupOffsets(plan.into(), start.entrySet().stream().collect(Collectors.toMap(
                    Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue())))).all().get(30, TimeUnit.SECONDS);
            log.info("Replaying {} into {}: {} records of {} ({} partitions), from {} to {}", plan.application().label(),
                    plan.into(), total, partitions.stream().map(TopicPartition::topic).distinct().toList(), partitions.size(),
                    plan.from().map(Instant::toString).orElse("the earliest offset"),
                    plan.to().map(Instant::toString).orElse("the end of the log now"));

            KafkaStreams streams = new KafkaStreams(topology, props);
            streams.cleanUp();
            streams.start();
            try {
                long done = follow(admin, streams, plan.into(), partitions, start, end, total, internal, progress);
                if (plan.application() == Application.ANALYTICS) {
                    // The trending list is published on its wall-clock interval: let the last change out.
                    Thread.sleep(config.analytics().trendingInterval().toMillis() * 2 + config.commitIntervalMs() * 2);
                }
                List<String> summary = plan.application() == Application.ANALYTICS ? analyticsSummary(streams, plan)
                        : servingSummary(streams, plan);
                return new Result(plan.into(), done, Duration.ofNanos(System.nanoTime() - startNanos), summary);
            } finally {
                // Leave the group: the target can be started (switched to, replayed again) at once.
                streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                        .withTimeout(config.shutdownTimeout()));
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the cluster at " + bootstrap + " did not answer in time", e);
        }
    }

    /**
     * Why a serving replay from the start would build less than the state (contract §16 bounds the log): events older
     * than the log's retention are gone, so the users whose older events they were would lose that state. Empty when
     * every partition of {@code sync.device-events} still begins at offset 0.
     */
    static Optional<String> trimmedLog(Map<TopicPartition, Long> earliest) {
        List<String> trimmed = earliest.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(Topics.DEVICE_EVENTS.name()) && e.getValue() > 0)
                .map(e -> e.getKey().partition() + "@" + e.getValue()).sorted().toList();
        if (trimmed.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Topics.DEVICE_EVENTS.name() + " no longer holds every event (its retention is bounded, "
                + "contract §16; partitions begin at " + String.join(", ", trimmed) + "): a serving replay from the "
                + "start would build the state of what is left, losing whatever only older events held. The running "
                + "application's state is whole in its changelogs. To build a state of the kept events knowingly, "
                + "give --from.");
    }

    private Properties properties(String applicationId) {
        Properties props = StreamsProperties.of(applicationId, bootstrap, config.dataDir().resolve("streams"),
                config.streamThreads(), config.commitIntervalMs(), 0);
        props.put(BoundedRocksDb.MEMORY_BYTES_CONFIG, config.rocksDbMemoryBytes());
        return props;
    }

    private Topology topology(Plan plan, Properties props) {
        if (plan.application() == Application.SERVING) {
            return SyncTopology.build(new StreamsConfig(props), config.topologySettings().silenced());
        }
        AnalyticsSettings settings = config.analyticsSettings().withApplicationId(plan.into()).withEventTimeOnly()
                .withPeriod(plan.from().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE),
                        plan.to().map(Instant::toEpochMilli).orElse(Long.MAX_VALUE));
        return AnalyticsTopology.build(new StreamsConfig(props), settings, counters, config.regions());
    }

    /**
     * The reset tool's precondition: nobody runs the target application now. Members of an application
     * that stopped without leaving the group (Kafka Streams' default, and static members) stay listed
     * until their session times out: they are waited for, up to {@link #MEMBERS_WAIT}.
     */
    private static void requireNoMembers(Admin admin, String groupId) throws InterruptedException, ExecutionException,
            java.util.concurrent.TimeoutException {
        long deadline = System.nanoTime() + MEMBERS_WAIT.toNanos();
        boolean told = false;
        while (true) {
            int members;
            try {
                members = admin.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId)
                        .get(30, TimeUnit.SECONDS).members().size();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof GroupIdNotFoundException) {
                    return;
                }
                throw e;
            }
            if (members == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("application " + groupId + " has " + members + " running member(s): "
                        + "stop them first, or replay into a new application id (--into)");
            }
            if (!told) {
                log.warn("Application {} still lists {} member(s); waiting up to {} s for their sessions to end",
                        groupId, members, MEMBERS_WAIT.toSeconds());
                told = true;
            }
            Thread.sleep(1_000);
        }
    }

    /** The target's changelog and repartition topics, named from the topology (no guessing by prefix). */
    static Set<String> internalTopics(Topology topology, String applicationId) {
        Set<String> topics = new TreeSet<>();
        for (TopologyDescription.Subtopology sub : topology.describe().subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Processor p) {
                    p.stores().forEach(store -> topics.add(applicationId + "-" + store + "-changelog"));
                } else if (node instanceof TopologyDescription.Source s && s.topicSet() != null) {
                    s.topicSet().stream().filter(t -> t.endsWith("-repartition"))
                            .forEach(t -> topics.add(applicationId + "-" + t));
                }
            }
        }
        return topics;
    }

    private static void deleteTopics(Admin admin, Set<String> topics) throws InterruptedException, ExecutionException,
            java.util.concurrent.TimeoutException {
        Set<String> existing = new TreeSet<>(admin.listTopics().names().get(30, TimeUnit.SECONDS));
        existing.retainAll(topics);
        if (existing.isEmpty()) {
            return;
        }
        log.info("Deleting the internal topics of the earlier run: {}", existing);
        admin.deleteTopics(existing).all().get(60, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Set<String> left = new TreeSet<>(admin.listTopics().names().get(30, TimeUnit.SECONDS));
            left.retainAll(existing);
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("internal topics still exist a minute after their deletion: " + existing);
    }

    private static List<TopicPartition> partitions(Admin admin, List<String> topics) throws InterruptedException,
            ExecutionException, java.util.concurrent.TimeoutException {
        var described = admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
        List<TopicPartition> out = new ArrayList<>();
        for (String topic : topics) {
            for (int p = 0; p < described.get(topic).partitions().size(); p++) {
                out.add(new TopicPartition(topic, p));
            }
        }
        return out;
    }

    /** Offsets for {@code spec}; a partition with no record at or after a timestamp gets {@code fallback}'s. */
    private static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec,
                                                     Map<TopicPartition, Long> fallback)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> found = admin.listOffsets(partitions.stream()
                .collect(Collectors.toMap(Function.identity(), tp -> spec))).all().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, Long> out = new HashMap<>();
        for (TopicPartition tp : partitions) {
            long offset = found.get(tp).offset();
            out.put(tp, offset < 0 && fallback != null ? fallback.get(tp) : offset);
        }
        return out;
    }

    /**
     * Reports progress until the application has committed every record up to {@code end} and drained
     * its repartition topics; returns the records done. Fails when the streams fail.
     */
    private long follow(Admin admin, KafkaStreams streams, String groupId, List<TopicPartition> partitions,
                        Map<TopicPartition, Long> start, Map<TopicPartition, Long> end, long total, Set<String> internal,
                        Progress progress) throws InterruptedException, ExecutionException,
            java.util.concurrent.TimeoutException {
        Set<String> repartition = internal.stream().filter(t -> t.endsWith("-repartition")).collect(Collectors.toSet());
        while (true) {
            KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                    || state == KafkaStreams.State.NOT_RUNNING || state == KafkaStreams.State.PENDING_SHUTDOWN) {
                throw new IllegalStateException("the replay's streams stopped (" + state + "); see the log above");
            }
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            long done = 0;
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                long at = c == null ? start.get(tp) : c.offset();
                done += Math.max(0, Math.min(at, end.get(tp)) - start.get(tp));
            }
            progress.update(done, total);
            if (done >= total && state == KafkaStreams.State.RUNNING && drained(admin, repartition, committed)) {
                return done;
            }
            Thread.sleep(poll.toMillis());
        }
    }

    /** Whether every record written to the repartition topics has been processed (committed). */
    private static boolean drained(Admin admin, Set<String> topics, Map<TopicPartition, OffsetAndMetadata> committed)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        if (topics.isEmpty()) {
            return true;
        }
        Set<String> existing = new TreeSet<>(admin.listTopics().names().get(30, TimeUnit.SECONDS));
        List<TopicPartition> parts = new ArrayList<>();
        for (var d : admin.describeTopics(topics.stream().filter(existing::contains).toList()).allTopicNames()
                .get(30, TimeUnit.SECONDS).values()) {
            d.partitions().forEach(p -> parts.add(new TopicPartition(d.name(), p.partition())));
        }
        Map<TopicPartition, Long> ends = offsets(admin, parts, OffsetSpec.latest(), null);
        for (TopicPartition tp : parts) {
            OffsetAndMetadata c = committed.get(tp);
            if (ends.get(tp) > 0 && (c == null || c.offset() < ends.get(tp))) {
                return false;
            }
        }
        return true;
    }

    /** Totals over the hours built, and the contents most started in the period. */
    private List<String> analyticsSummary(KafkaStreams streams, Plan plan) {
        ReadOnlyWindowStore<String, HourlyCounts> store = streams.store(StoreQueryParameters.fromNameAndType(
                AnalyticsStores.CONTENT_HOURLY, QueryableStoreTypes.<String, HourlyCounts>windowStore()));
        Map<String, HourlyCounts> byContent = new HashMap<>();
        long hours = 0;
        try (KeyValueIterator<Windowed<String>, HourlyCounts> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, HourlyCounts> e = it.next();
                if (e.key.key().equals(AnalyticsStores.HOURLY_MARKER)) {
                    continue;
                }
                byContent.merge(e.key.key(), e.value, HourlyCounts::plus);
                hours++;
            }
        }
        HourlyCounts all = byContent.values().stream().reduce(HourlyCounts.ZERO, HourlyCounts::plus);
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "Analytics application %s, period %s to %s", plan.into(),
                plan.from().map(Instant::toString).orElse("the beginning"), plan.to().map(Instant::toString).orElse("now")));
        lines.add(String.format(Locale.ROOT, "  %,d contents, %,d content-hours: %,d starts, %,d completions, %,d abandons, "
                + "%s hours watched", byContent.size(), hours, all.starts(), all.completions(), all.abandons(),
                BigDecimal.valueOf(all.watchTimeMs(), 3).divide(BigDecimal.valueOf(3600), 1, java.math.RoundingMode.HALF_UP)));
        lines.add(String.format(Locale.ROOT, "  set aside: %,d late (beyond SYNC_ANALYTICS_GRACE_MS), %,d repeated, "
                + "%,d not valid events", counters.lateCount(), counters.repeatedCount(), counters.skippedCount()));
        List<Map.Entry<String, HourlyCounts>> top = byContent.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, HourlyCounts>>comparingLong(e -> e.getValue().starts()).reversed()
                        .thenComparing(Map.Entry::getKey))
                .limit(10).toList();
        if (!top.isEmpty()) {
            lines.add("  most started:");
            int rank = 1;
            for (Map.Entry<String, HourlyCounts> e : top) {
                lines.add(String.format(Locale.ROOT, "  %4d. %-40s %,8d starts %,8d completions %,8d abandons", rank++,
                        e.getKey(), e.getValue().starts(), e.getValue().completions(), e.getValue().abandons()));
            }
        }
        return lines;
    }

    /** The stores' sizes, and how to switch the service to the rebuilt state. */
    private List<String> servingSummary(KafkaStreams streams, Plan plan) {
        List<String> lines = new ArrayList<>();
        lines.add("Serving state rebuilt as application " + plan.into() + " (state in "
                + config.dataDir().resolve("streams").resolve(plan.into()) + ")");
        for (String name : SyncStores.USER_STATE) {
            ReadOnlyKeyValueStore<String, byte[]> store = streams.store(StoreQueryParameters.fromNameAndType(name,
                    QueryableStoreTypes.<String, byte[]>keyValueStore()));
            // Counted, not RocksDB's estimate (which counts every overwrite still in a memtable): the cost is
            // one pass over state the replay has just built record by record.
            long entries = 0;
            try (KeyValueIterator<String, byte[]> it = store.all()) {
                for (; it.hasNext(); it.next()) {
                    entries++;
                }
            }
            lines.add(String.format(Locale.ROOT, "  %-12s %,d entries", name, entries));
        }
        lines.add("To switch to it, restart each instance (one at a time) with SYNC_SERVING_APPLICATION_ID="
                + plan.into() + ";");
        lines.add("it resumes where the replay stopped and serves the rebuilt stores (from this data dir, or restored "
                + "from the changelogs elsewhere).");
        return lines;
    }
}
