package io.mediagateway.sync.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

/** What a healthy start says: known Kafka noise dropped, narrowly; standbys explained once, in our words. */
class StartupLogTest {
    private final LoggerContext context = new LoggerContext();
    private final KnownKafkaNoise filter = new KnownKafkaNoise();

    private FilterReply decide(String logger, Level level, String format, Object... params) {
        return filter.decide(null, context.getLogger(logger), level, format, params, null);
    }

    @Test
    void shouldDropUnknownInternalTopicsOnlyWhileEveryNamedTopicIsInternal() {
        // Kafka's LogContext hands logback the message already formatted, its prefix included
        String message = "[Consumer clientId=x, groupId=g] The metadata response from the cluster reported a "
                + "recoverable issue with correlation id 2 : {";
        String client = "org.apache.kafka.clients.NetworkClient";
        assertThat(decide(client, Level.WARN, message + "media-gateway-sync-events-by-user-repartition=UNKNOWN_TOPIC_OR_PARTITION, "
                + "a-b-changelog=UNKNOWN_TOPIC_OR_PARTITION}")).isEqualTo(FilterReply.DENY);
        // one of our own topics unknown, or another error: still shown
        assertThat(decide(client, Level.WARN, message + "sync.device-events=UNKNOWN_TOPIC_OR_PARTITION, "
                + "media-gateway-sync-events-by-user-repartition=UNKNOWN_TOPIC_OR_PARTITION}")).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(client, Level.WARN, message + "x-changelog=LEADER_NOT_AVAILABLE}")).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(client, Level.WARN, "Connection to node {} could not be established.", 1))
                .isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void shouldDropTheTransactionalProducersRetriedSequencingErrorsOnly() {
        String sender = "org.apache.kafka.clients.producer.internals.Sender";
        String prefix = "[Producer clientId=x-StreamThread-1-producer, transactionalId=x-1] Got error produce response "
                + "with correlation id 51 on topic-partition sync.state-deltas-6, ";
        assertThat(decide(sender, Level.WARN, prefix + "retrying (2147483646 attempts left). Error: CONCURRENT_TRANSACTIONS"))
                .isEqualTo(FilterReply.DENY);
        assertThat(decide(sender, Level.WARN, prefix + "retrying (2147483646 attempts left). Error: OUT_OF_ORDER_SEQUENCE_NUMBER. "
                + "Error Message: Expected sequence 0 for transactions v2 idempotent producer with no existing state"))
                .isEqualTo(FilterReply.DENY);
        // another error, or one that is not retried, still shows
        assertThat(decide(sender, Level.WARN, prefix + "retrying (2147483646 attempts left). Error: NOT_LEADER_OR_FOLLOWER"))
                .isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(sender, Level.WARN, "[Producer clientId=x] Received invalid metadata error in produce request on "
                + "partition p due to CONCURRENT_TRANSACTIONS")).isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void shouldDropTheEmbeddedBrokersErrorForTheSameRetriedSequenceOnly() {
        String broker = "kafka.server.ReplicaManager";
        String format = "[ReplicaManager broker=1] Error processing append operation on partition id:sync.state-deltas-2";
        var retried = new org.apache.kafka.common.errors.OutOfOrderSequenceException("Invalid sequence number for producer 4 "
                + "at offset 14 in partition sync.state-deltas-2: 1 (incoming seq. number). Expected sequence 0 for "
                + "transactions v2 idempotent producer with no existing state.");
        assertThat(filter.decide(null, context.getLogger(broker), Level.ERROR, format, null, retried)).isEqualTo(FilterReply.DENY);
        // another sequence error, another exception, or another logger: still shown
        var gap = new org.apache.kafka.common.errors.OutOfOrderSequenceException("Out of order sequence number for producer 4 "
                + "at offset 14 in partition p: 51 (incoming seq. number), 49 (current end sequence number)");
        assertThat(filter.decide(null, context.getLogger(broker), Level.ERROR, format, null, gap)).isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(null, context.getLogger(broker), Level.ERROR, format, null,
                new org.apache.kafka.common.errors.CorruptRecordException("x"))).isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(null, context.getLogger("kafka.server.Other"), Level.ERROR, format, null, retried))
                .isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void shouldDropTheEmbeddedControllersFreshLogNoticeAndNothingElseOfIt() {
        String controller = "org.apache.kafka.controller.QuorumController";
        assertThat(decide(controller, Level.WARN, "[QuorumController id=1] Performing controller activation. "
                + "The metadata log appears to be empty. Appending {} bootstrap record(s)", 6)).isEqualTo(FilterReply.DENY);
        assertThat(decide(controller, Level.WARN, "[QuorumController id=1] Renouncing the leadership")).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(controller, Level.ERROR, "The metadata log appears to be empty")).isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void shouldExplainMissingStandbysOnceAtInfoForOneInstanceAndWarnWhenSeveralAreTooFew() {
        assertThat(StandbyCapacity.message("Kafka Streams", 1, 1)).contains("one instance", "normal");
        assertThat(StandbyCapacity.message("Kafka Streams", 1, 2)).isNull();
        assertThat(StandbyCapacity.message("Kafka Streams", 0, 1)).isNull();
        assertThat(StandbyCapacity.message("Kafka Streams", 2, 2)).contains("start more instances", "SYNC_STANDBY_REPLICAS");
    }

    @Test
    void shouldSayItOnceAndAgainOnlyWhenTheNumberOfInstancesChanges() {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(StandbyCapacity.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try {
            java.util.concurrent.atomic.AtomicInteger instances = new java.util.concurrent.atomic.AtomicInteger(1);
            StandbyCapacity capacity = new StandbyCapacity("Kafka Streams", 1, instances::get);
            capacity.afterRebalance();
            capacity.afterRebalance();                       // a rebalance with the same group: nothing more
            instances.set(2);
            capacity.afterRebalance();                       // room now: nothing to say
            instances.set(1);
            capacity.afterRebalance();                       // alone again: said again
            assertThat(lines.list).extracting(e -> e.getLevel()).containsExactly(Level.INFO, Level.INFO);
        } finally {
            logger.detachAppender(lines);
        }
    }
}
