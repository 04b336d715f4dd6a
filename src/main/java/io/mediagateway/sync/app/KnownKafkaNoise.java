package io.mediagateway.sync.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.slf4j.Marker;

/**
 * Drops the few warnings Kafka prints on every healthy first start, which need no action and would bury
 * the ones that do (registered in {@code logback.xml}). Each rule matches one message, narrowly:
 * <ul>
 *   <li>a client's metadata naming only Kafka Streams' own internal topics ({@code -repartition},
 *       {@code -changelog}) as unknown: Streams creates them during the first rebalance, after its
 *       consumers first asked for them. An unknown topic of ours, or any other metadata error, still shows;</li>
 *   <li>the embedded broker's controller finding an empty metadata log: a fresh data directory;</li>
 *   <li>the embedded broker closing a network client twice while it stops;</li>
 *   <li>the embedded broker asked by several transactional producers at once to create
 *       {@code __transaction_state}: all but the first find it exists;</li>
 *   <li>a transactional producer's produce answered {@code CONCURRENT_TRANSACTIONS} or, for the batches
 *       pipelined behind it, {@code OUT_OF_ORDER_SEQUENCE_NUMBER}, which it retries itself: under Kafka 4's
 *       transactions v2 a transaction's first write to a partition may arrive before the previous
 *       transaction's markers are written (KAFKA-18202). Needs no action; each retry is counted in
 *       {@code kafka_producer_record_retry_total} (by {@code client_id}) on {@code /metrics}; and the embedded
 *       broker's own ERROR for the same refusal ({@code ReplicaManager}, "Error processing append operation" with
 *       that {@code OutOfOrderSequenceException}: "Expected sequence 0 for transactions v2 idempotent producer with no
 *       existing state"), which it answers the producer with as a retriable error — any other append error shows;</li>
 *   <li>Kafka Streams' notice that the processing exception handler is off for global stores: we have none,
 *       and StreamsProperties turns it on, but Streams' own internal copies of the configuration (the
 *       partition assignor's, built from the consumer's settings only) do not carry the setting and print
 *       the notice anyway.</li>
 * </ul>
 * The standby assignor's per-task warnings are silenced in {@code logback.xml} instead, and
 * {@link SyncService} says once, in its own words, whether standbys wait for another instance.
 */
public final class KnownKafkaNoise extends TurboFilter {
    private static final String NETWORK_CLIENT = "org.apache.kafka.clients.NetworkClient";
    private static final String CONTROLLER = "org.apache.kafka.controller.QuorumController";
    private static final String SENDER = "org.apache.kafka.clients.producer.internals.Sender";
    private static final String AUTO_TOPIC_CREATION = "kafka.server.DefaultAutoTopicCreationManager";
    private static final String STREAMS_CONFIG = "org.apache.kafka.streams.StreamsConfig";
    private static final String REPLICA_MANAGER = "kafka.server.ReplicaManager";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level == Level.ERROR && format != null && logger.getName().equals(REPLICA_MANAGER)
                && format.contains("Error processing append operation on partition") && retriedFirstWriteSequence(t)) {
            return FilterReply.DENY;
        }
        if (level != Level.WARN || format == null) {
            return FilterReply.NEUTRAL;
        }
        String name = logger.getName();
        if (name.equals(NETWORK_CLIENT)) {
            if (format.contains("reported a recoverable issue") && onlyInternalTopicsUnknown(format)) {
                return FilterReply.DENY;
            }
            if (format.contains("Attempting to close NetworkClient that has already been closed")) {
                return FilterReply.DENY;
            }
        } else if (name.equals(SENDER) && format.contains(", retrying (") && (format.contains("Error: CONCURRENT_TRANSACTIONS")
                || format.contains("Error: OUT_OF_ORDER_SEQUENCE_NUMBER"))) {
            return FilterReply.DENY;
        } else if (name.equals(CONTROLLER) && format.contains("The metadata log appears to be empty")) {
            return FilterReply.DENY;
        } else if (name.equals(AUTO_TOPIC_CREATION) && format.contains("'TOPIC_ALREADY_EXISTS'")) {
            return FilterReply.DENY;
        } else if (name.equals(STREAMS_CONFIG) && format.contains("not enabled for the GlobalThread")) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }

    /**
     * Whether the message's topic → error map names only internal Streams topics, all unknown. Kafka's
     * clients log through their own {@code LogContext}, which formats the message before logback sees it:
     * the map is read from the text ({@code ... : {a-repartition=UNKNOWN_TOPIC_OR_PARTITION, ...}}).
     */
    static boolean onlyInternalTopicsUnknown(String message) {
        int open = message.lastIndexOf(": {");
        int close = message.lastIndexOf('}');
        if (open < 0 || close < open + 3) {
            return false;
        }
        for (String entry : message.substring(open + 3, close).split(", ")) {
            int eq = entry.lastIndexOf('=');
            if (eq < 0 || !internal(entry.substring(0, eq)) || !entry.substring(eq + 1).equals("UNKNOWN_TOPIC_OR_PARTITION")) {
                return false;
            }
        }
        return true;
    }

    /** The broker's refusal of a pipelined batch before the first one of a transactions v2 producer (KAFKA-18202). */
    static boolean retriedFirstWriteSequence(Throwable t) {
        return t instanceof OutOfOrderSequenceException && t.getMessage() != null
                && t.getMessage().contains("for transactions v2 idempotent producer with no existing state");
    }

    private static boolean internal(String topic) {
        return topic.endsWith("-repartition") || topic.endsWith("-changelog");
    }
}
