package io.mediagateway.sync.deadletter;

/**
 * Why a record went to {@code sync.dead-letters}: the short code in its {@code error.reason} header.
 * Most concern records of {@code sync.device-events}; the egress ones ({@link #INVALID_DELTA},
 * {@link #PUBNUB_REJECTED}, {@link #POSTGRES_REJECTED}, and {@link #OVERSIZED} for PubNub's limit) concern deltas of
 * {@code sync.state-deltas}. Codes are part of the external contract once published: add, never rename.
 */
public enum RejectReason {
    /** The record is larger than 32 KiB (for PubNub egress: the message PubNub would receive is). */
    OVERSIZED("oversized"),
    /** The record has no key (the key is the user id). */
    MISSING_KEY("missing_key"),
    /** The key is not a valid user id (§1), or not UTF-8. */
    INVALID_USER_ID("invalid_user_id"),
    /** The value is not a JSON object. */
    INVALID_JSON("invalid_json"),
    /** {@code msg_type} names no event kind of §4. */
    UNKNOWN_MSG_TYPE("unknown_msg_type"),
    /** A required field is absent or null. */
    MISSING_FIELD("missing_field"),
    /** A field has the wrong type or breaks its rule. */
    INVALID_FIELD("invalid_field"),
    /** A device id (sender or target) breaks the rule of §1. */
    INVALID_DEVICE_ID("invalid_device_id"),
    /** A content id breaks the rule of §1. */
    INVALID_CONTENT_ID("invalid_content_id"),
    /** The body's {@code user_id} differs from the record key. */
    USER_MISMATCH("user_mismatch"),
    /** The event time is more than {@code SYNC_MAX_CLOCK_SKEW_MS} ahead of the service clock. */
    CLOCK_SKEW("clock_skew"),
    /** The record could not be deserialized by the consumer (exception handler). */
    DESERIALIZATION_ERROR("deserialization_error"),
    /** Processing the record failed unexpectedly (exception handler): a bug, kept for a replay once fixed. */
    PROCESSING_ERROR("processing_error"),
    /** A delta produced for the record could not be written (exception handler). */
    PRODUCTION_ERROR("production_error"),
    /** An egress could not read a delta of {@code sync.state-deltas} (not one this service writes). */
    INVALID_DELTA("invalid_delta"),
    /** An egress could not read a record of an analytics topic (not one this service writes). */
    INVALID_RECORD("invalid_record"),
    /** PubNub refused a delta for good (a 4xx other than 429: keys, permissions, payload). */
    PUBNUB_REJECTED("pubnub_rejected"),
    /** A message a device published on PubNub that the user's key (or {@code PUBNUB_CIPHER_KEY}) does not open. */
    UNDECRYPTABLE("undecryptable"),
    /** PostgreSQL refused a delta for good (a data error, not an outage). */
    POSTGRES_REJECTED("postgres_rejected");

    private final String code;

    RejectReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
