package io.mediagateway.sync.topology;

import io.mediagateway.sync.deadletter.DeadLetters;
import io.mediagateway.sync.deadletter.RejectReason;
import io.mediagateway.sync.topics.Topics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last line of "no input can stop a stream thread": Kafka Streams calls these when a record
 * cannot be deserialized, when processing throws (a bug: ingest rejects bad input itself), or when an
 * output cannot be produced. Each sends the <em>input</em> record's original bytes to
 * {@code sync.dead-letters} with the contract's headers — in the same transaction — and lets the
 * stream go on.
 */
public final class ExceptionHandlers {
    private static final Logger log = LoggerFactory.getLogger(ExceptionHandlers.class);

    private ExceptionHandlers() {
    }

    /** A record the consumer could not deserialize (cannot happen with the byte-array serdes, kept as a guard). */
    public static final class Deserialization implements DeserializationExceptionHandler {
        @Override
        public void configure(Map<String, ?> configs) {
        }

        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception e) {
            log.error("Cannot deserialize {}-{}@{}: dead-lettered", record.topic(), record.partition(), record.offset(), e);
            return Response.resume(List.of(DeadLetters.record(record.key(), record.value(), record.timestamp(),
                    record.headers(), RejectReason.DESERIALIZATION_ERROR, e.toString(),
                    DeadLetters.origin(record.topic(), record.partition(), record.offset(), record.headers()))));
        }
    }

    /** Processing threw: the record is kept in the dead-letter topic for a replay once the bug is fixed. */
    public static final class Processing implements ProcessingExceptionHandler {
        @Override
        public void configure(Map<String, ?> configs) {
        }

        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception e) {
            if (context.sourceRawKey() == null && context.sourceRawValue() == null) {
                log.error("Processing failed in {} of task {} outside any input record (a punctuation): skipped",
                        context.processorNodeId(), context.taskId(), e);
                return Response.resume();
            }
            log.error("Processing {}-{}@{} failed in {}: dead-lettered", context.topic(), context.partition(),
                    context.offset(), context.processorNodeId(), e);
            return Response.resume(List.of(deadLetter(context, RejectReason.PROCESSING_ERROR, e)));
        }
    }

    /**
     * An output could not be produced. Records too large for the topic and serialization failures are
     * dead-lettered (their input record, that is); anything else fails the thread, which the uncaught
     * exception handler replaces, and the transaction is retried from the last commit.
     */
    public static final class Production implements ProductionExceptionHandler {
        @Override
        public void configure(Map<String, ?> configs) {
        }

        @Override
        public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception e) {
            if (!(e instanceof RecordTooLargeException)) {
                return Response.fail();
            }
            if (Topics.DEAD_LETTERS.name().equals(record.topic()) || context.sourceRawValue() == null) {
                log.error("A record for {} is too large and cannot be dead-lettered either; its input is {}-{}@{}",
                        record.topic(), context.topic(), context.partition(), context.offset(), e);
                return Response.resume();
            }
            log.error("An output of {}-{}@{} for {} is too large: the input is dead-lettered", context.topic(),
                    context.partition(), context.offset(), record.topic(), e);
            return Response.resume(List.of(deadLetter(context, RejectReason.PRODUCTION_ERROR, e)));
        }

        @Override
        public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception e,
                                                 SerializationExceptionOrigin origin) {
            log.error("Cannot serialize an output of {}-{}@{}: the input is dead-lettered", context.topic(),
                    context.partition(), context.offset(), e);
            return Response.resume(List.of(deadLetter(context, RejectReason.PRODUCTION_ERROR, e)));
        }
    }

    private static ProducerRecord<byte[], byte[]> deadLetter(ErrorHandlerContext context, RejectReason reason, Exception e) {
        return DeadLetters.record(context.sourceRawKey(), context.sourceRawValue(), context.timestamp(), context.headers(),
                reason, e.toString(), DeadLetters.origin(context.topic(), context.partition(), context.offset(),
                        context.headers()));
    }
}
