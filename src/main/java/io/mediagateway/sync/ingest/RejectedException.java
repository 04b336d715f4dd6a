package io.mediagateway.sync.ingest;

import io.mediagateway.sync.deadletter.RejectReason;

/** A record or request that breaks a rule of the contract: its reason code and a message naming the field at fault. */
public final class RejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final RejectReason reason;

    public RejectedException(RejectReason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }
}
