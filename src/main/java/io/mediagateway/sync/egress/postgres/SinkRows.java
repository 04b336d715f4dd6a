package io.mediagateway.sync.egress.postgres;

import io.mediagateway.sync.deadletter.RejectReason;
import java.sql.Connection;
import java.sql.SQLException;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The rows one batch of records writes in a {@link PostgresSink} transaction: collected record by
 * record, then written with batched statements that only move rows forward (so a batch applied twice
 * changes nothing).
 */
interface SinkRows {

    /** Adds one record, in topic order per key; throws a {@link RuntimeException} when it cannot be read. */
    void add(ConsumerRecord<byte[], byte[]> record);

    /** Writes the rows in the caller's transaction. */
    void write(Connection c) throws SQLException;

    /** The dead-letter reason of a record {@link #add} cannot read. */
    default RejectReason unreadable() {
        return RejectReason.INVALID_DELTA;
    }
}
