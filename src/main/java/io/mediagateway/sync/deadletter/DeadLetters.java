package io.mediagateway.sync.deadletter;

import io.mediagateway.sync.topics.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Dead letters (contract §3): the original key and value bytes, with headers {@code error.reason},
 * {@code error.message}, {@code source.topic}, {@code source.partition}, {@code source.offset}. The
 * record's own headers are kept. Built in one place for the processor and the exception handlers.
 */
public final class DeadLetters {
    public static final String REASON = "error.reason";
    public static final String MESSAGE = "error.message";
    public static final String SOURCE_TOPIC = "source.topic";
    public static final String SOURCE_PARTITION = "source.partition";
    public static final String SOURCE_OFFSET = "source.offset";
    /** Set on records moved through a repartition topic: where they were on their input topic. */
    public static final String ORIGIN_TOPIC = "sync.origin.topic";
    /** How Kafka Streams ends the name of a repartition topic. */
    private static final String REPARTITION_SUFFIX = "-repartition";
    public static final String ORIGIN_PARTITION = "sync.origin.partition";
    public static final String ORIGIN_OFFSET = "sync.origin.offset";
    private static final int MAX_MESSAGE = 1024;

    private DeadLetters() {
    }

    /** Where a record came from: its topic, partition and offset on an input topic. */
    public record Origin(String topic, int partition, long offset) {
    }

    /**
     * Where a record being processed came from on its input topic ({@code sync.device-events},
     * {@code sync.notifications}, or a peer region's remote copy of one): its own place, or for a record read from a
     * repartition topic, the place the router noted in its headers (records moved before routers noted the topic came
     * from {@code sync.device-events}). Only a repartition topic's headers are read: an input record's own headers
     * (carried by MirrorMaker 2 from another cluster, or set by a producer) never move it.
     */
    public static Origin origin(String topic, int partition, long offset, Headers headers) {
        if (topic.endsWith(REPARTITION_SUFFIX)) {
            String noted = header(headers, ORIGIN_TOPIC);
            String input = noted != null ? noted : Topics.DEVICE_EVENTS.name();
            String p = header(headers, ORIGIN_PARTITION);
            String o = header(headers, ORIGIN_OFFSET);
            if (p != null && o != null) {
                try {
                    return new Origin(input, Integer.parseInt(p), Long.parseLong(o));
                } catch (NumberFormatException e) {
                    // not ours: report where the record is
                }
            }
        }
        return new Origin(topic, partition, offset);
    }

    /** A copy of {@code original} with the error and source headers set (replacing any of the same name). */
    public static Headers headers(Headers original, RejectReason reason, String message, Origin origin) {
        RecordHeaders h = original == null ? new RecordHeaders() : new RecordHeaders(original.toArray());
        h.remove(ORIGIN_TOPIC);
        h.remove(ORIGIN_PARTITION);
        h.remove(ORIGIN_OFFSET);
        put(h, REASON, reason.code());
        put(h, MESSAGE, message == null ? reason.code() : truncate(message));
        put(h, SOURCE_TOPIC, origin.topic());
        put(h, SOURCE_PARTITION, Integer.toString(origin.partition()));
        put(h, SOURCE_OFFSET, Long.toString(origin.offset()));
        return h;
    }

    /** A dead letter as the exception handlers hand it to Kafka Streams. */
    public static ProducerRecord<byte[], byte[]> record(byte[] key, byte[] value, long timestamp, Headers original,
                                                        RejectReason reason, String message, Origin origin) {
        return new ProducerRecord<>(Topics.DEAD_LETTERS.name(), null, timestamp < 0 ? null : timestamp, key, value,
                headers(original, reason, message, origin));
    }

    static String header(Headers headers, String name) {
        var h = headers == null ? null : headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void put(RecordHeaders h, String name, String value) {
        h.remove(name);
        h.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String truncate(String s) {
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE - 3) + "...";
    }
}
