package io.mediagateway.sync.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the cluster match {@code topics/}: creates missing topics, refuses to start when an existing
 * topic has another partition count (users would silently move between partitions and lose their
 * state), and waits until every new partition has a leader that answers, so the first idempotent
 * produce cannot be lost (KAFKA-15591).
 */
public final class TopicProvisioner {
    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final String MIN_ISR = "min.insync.replicas";

    private final Admin admin;
    private final Duration timeout;

    public TopicProvisioner(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /** Ensures every definition exists with its partition count; returns the names it created. */
    public List<String> ensure(List<TopicDefinition> definitions) {
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            int brokers = get(admin.describeCluster().nodes(), deadline).size();
            Set<String> existing = get(admin.listTopics().names(), deadline);
            List<String> problems = new ArrayList<>();
            List<NewTopic> toCreate = new ArrayList<>();
            List<String> capped = new ArrayList<>();
            for (TopicDefinition def : definitions) {
                if (!existing.contains(def.name())) {
                    toCreate.add(newTopic(def, brokers));
                    if (def.replicationFactor() > brokers) {
                        capped.add(def.name() + " (" + def.replicationFactor() + ")");
                    }
                }
            }
            reportCapped(capped, brokers);
            List<String> created = create(toCreate, deadline);
            Map<String, TopicDefinition> byName = new HashMap<>();
            definitions.forEach(d -> byName.put(d.name(), d));
            Map<String, TopicDescription> described = describe(byName.keySet(), deadline);
            for (TopicDescription description : described.values()) {
                TopicDefinition def = byName.get(description.name());
                int actual = description.partitions().size();
                if (actual != def.partitions()) {
                    problems.add("topic " + def.name() + " has " + actual + " partitions but topics/" + def.name()
                            + ".properties declares " + def.partitions());
                }
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException(String.join("; ", problems) + ". Refusing to start: a different "
                        + "partition count moves users to other partitions. Recreate the topic or fix topics/.");
            }
            awaitLeaders(created, described, deadline);
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while provisioning topics", e);
        }
    }

    private NewTopic newTopic(TopicDefinition def, int brokers) {
        short replication = def.replicationFactor();
        Map<String, String> configs = new HashMap<>(def.configs());
        if (replication > brokers) {
            replication = (short) brokers;
            String minIsr = configs.get(MIN_ISR);
            if (minIsr != null && Integer.parseInt(minIsr) > replication) {
                configs.put(MIN_ISR, Short.toString(replication));
            }
        }
        return new NewTopic(def.name(), def.partitions(), replication).configs(configs);
    }

    /**
     * One line for all the topics created with fewer replicas than {@code topics/} asks: on a one-broker
     * cluster (the embedded broker, a developer's) that is expected, said at INFO; on a cluster of several
     * brokers, too few for the replication asked, it is a WARN.
     */
    private static void reportCapped(List<String> capped, int brokers) {
        if (capped.isEmpty()) {
            return;
        }
        String message = "The cluster has {} broker(s): creating {} with replication factor {} instead of the one "
                + "topics/ asks (in brackets)";
        if (brokers == 1) {
            log.info(message + " — normal for a single-broker cluster", brokers, String.join(", ", capped), brokers);
        } else {
            log.warn(message, brokers, String.join(", ", capped), brokers);
        }
    }

    private List<String> create(List<NewTopic> topics, long deadline) throws InterruptedException {
        List<String> created = new ArrayList<>();
        if (topics.isEmpty()) {
            return created;
        }
        Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
        for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
            try {
                result.getValue().get(remaining(deadline), TimeUnit.NANOSECONDS);
                created.add(result.getKey());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    log.info("Topic {} was created concurrently by another instance", result.getKey());
                    created.add(result.getKey());
                } else {
                    throw new IllegalStateException("cannot create topic " + result.getKey() + ": "
                            + e.getCause().getMessage(), e.getCause());
                }
            } catch (TimeoutException e) {
                throw timedOut("creating topic " + result.getKey(), e);
            }
        }
        log.info("Created {} topic(s): {}", created.size(), String.join(", ", created));
        return created;
    }

    /**
     * Describes the topics, retrying while a topic just created is not yet known to the broker that
     * answers (its metadata propagates a moment after {@code createTopics} returns).
     */
    private Map<String, TopicDescription> describe(Set<String> names, long deadline) throws InterruptedException {
        while (true) {
            try {
                return admin.describeTopics(names).allTopicNames().get(remaining(deadline), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() >= deadline) {
                    throw new IllegalStateException("Kafka admin request failed: " + e.getCause().getMessage(), e.getCause());
                }
                log.debug("New topics are not described yet ({}); retrying", e.getCause().getMessage());
                Thread.sleep(100);
            } catch (TimeoutException e) {
                throw timedOut("describing topics", e);
            }
        }
    }

    /** Polls the latest offset of every new partition: it answers only once the partition has a leader. */
    private void awaitLeaders(List<String> created, Map<String, TopicDescription> described, long deadline)
            throws InterruptedException {
        Map<TopicPartition, OffsetSpec> pending = new HashMap<>();
        for (String topic : created) {
            described.get(topic).partitions().forEach(p -> pending.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        }
        while (!pending.isEmpty()) {
            var futures = admin.listOffsets(pending).all();
            try {
                futures.get(Math.min(remaining(deadline), TimeUnit.SECONDS.toNanos(5)), TimeUnit.NANOSECONDS);
                log.debug("All {} new partitions have leaders", pending.size());
                return;
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() >= deadline) {
                    throw timedOut("waiting for leaders of " + pending.size() + " new partitions", e);
                }
                log.debug("New partitions have no leader yet ({}); retrying", e.getMessage());
                Thread.sleep(100);
            }
        }
    }

    private <T> T get(KafkaFuture<T> future, long deadline) throws InterruptedException {
        try {
            return future.get(remaining(deadline), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka admin request failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw timedOut("reaching the Kafka cluster", e);
        }
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private IllegalStateException timedOut(String what, Exception cause) {
        return new IllegalStateException("timed out after " + timeout.toMillis() + " ms " + what
                + " (SYNC_STARTUP_TIMEOUT_MS)", cause);
    }
}
