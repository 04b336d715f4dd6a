package io.mediagateway.sync.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.deadletter.DeadLetters;
import io.mediagateway.sync.topics.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/** The handlers Kafka Streams calls when something goes wrong: they dead-letter the input and let the stream go on. */
class ExceptionHandlersTest {

    private record Context(String topic, int partition, long offset, Headers headers, byte[] sourceRawKey,
                           byte[] sourceRawValue) implements ErrorHandlerContext {
        @Override
        public String processorNodeId() {
            return SyncTopology.INGEST;
        }

        @Override
        public TaskId taskId() {
            return new TaskId(0, partition);
        }

        @Override
        public long timestamp() {
            return 1_000L;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void aProcessingFailureDeadLettersTheOriginalRecordWithItsOriginalPlace() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("sync.origin.partition", bytes("7"));
        headers.add("sync.origin.offset", bytes("99"));
        Context ctx = new Context("media-gateway-sync-events-by-user-repartition", 3, 5, headers, bytes("alice"),
                bytes("{\"msg_type\":\"device_leave\"}"));
        var response = new ExceptionHandlers.Processing().handleError(ctx, new Record<>("k", "v", 1L),
                new IllegalStateException("boom"));
        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        ProducerRecord<byte[], byte[]> dead = response.deadLetterQueueRecords().get(0);
        assertThat(dead.topic()).isEqualTo(Topics.DEAD_LETTERS.name());
        assertThat(dead.key()).isEqualTo(bytes("alice"));
        assertThat(dead.value()).isEqualTo(bytes("{\"msg_type\":\"device_leave\"}"));
        assertThat(header(dead, DeadLetters.REASON)).isEqualTo("processing_error");
        assertThat(header(dead, DeadLetters.MESSAGE)).contains("boom");
        assertThat(header(dead, DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.DEVICE_EVENTS.name());
        assertThat(header(dead, DeadLetters.SOURCE_PARTITION)).isEqualTo("7");
        assertThat(header(dead, DeadLetters.SOURCE_OFFSET)).isEqualTo("99");
        assertThat(dead.headers().lastHeader("sync.origin.offset")).isNull();
    }

    @Test
    void aFailingPunctuationIsSkipped() {
        Context ctx = new Context(null, -1, -1, new RecordHeaders(), null, null);
        var response = new ExceptionHandlers.Processing().handleError(ctx, null, new IllegalStateException("sweep"));
        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void anUndeserializableRecordIsDeadLettered() {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(Topics.DEVICE_EVENTS.name(), 2, 40, bytes("k"),
                bytes("v"));
        var response = new ExceptionHandlers.Deserialization().handleError(
                new Context(record.topic(), 2, 40, record.headers(), record.key(), record.value()), record,
                new org.apache.kafka.common.errors.SerializationException("bad"));
        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        ProducerRecord<byte[], byte[]> dead = response.deadLetterQueueRecords().get(0);
        assertThat(header(dead, DeadLetters.REASON)).isEqualTo("deserialization_error");
        assertThat(header(dead, DeadLetters.SOURCE_OFFSET)).isEqualTo("40");
    }

    @Test
    void aTooLargeOutputDeadLettersItsInputButOtherProductionErrorsFail() {
        Context ctx = new Context(Topics.DEVICE_EVENTS.name(), 1, 8, new RecordHeaders(), bytes("alice"), bytes("{}"));
        ProducerRecord<byte[], byte[]> delta = new ProducerRecord<>(Topics.STATE_DELTAS.name(), bytes("alice"), bytes("x"));
        var tooLarge = new ExceptionHandlers.Production().handleError(ctx, delta, new RecordTooLargeException("big"));
        assertThat(tooLarge.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(header(tooLarge.deadLetterQueueRecords().get(0), DeadLetters.REASON)).isEqualTo("production_error");
        var timeout = new ExceptionHandlers.Production().handleError(ctx, delta, new TimeoutException("slow"));
        assertThat(timeout.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
    }
}
