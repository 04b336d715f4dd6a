package io.mediagateway.sync.egress.pubnub;

import com.pubnub.api.PubNubException;
import com.pubnub.api.UserId;
import com.pubnub.api.enums.PNLogVerbosity;
import com.pubnub.api.java.PubNub;
import com.pubnub.api.java.v2.PNConfiguration;
import com.pubnub.api.retry.RetryConfiguration;

/**
 * The one way this service makes an SDK client, for publishing, granting and subscribing alike: its keys (the
 * secret key signs every request, which gives the service full access under Access Manager), origin and TLS, no
 * SDK log, no SDK retries (the callers retry by HTTP status and {@code Retry-After}) and no crypto module (the
 * callers encrypt and decrypt themselves, since one key per client cannot serve per-user keys).
 */
final class PubNubClients {
    private PubNubClients() {
    }

    static PubNub create(PubNubSink.Connection c, int maxConnections) {
        return create(c, maxConnections, RetryConfiguration.None.INSTANCE);
    }

    /** With the SDK's own retries ({@code retry}): for the subscription, which the SDK alone resumes. */
    static PubNub create(PubNubSink.Connection c, int maxConnections, RetryConfiguration retry) {
        UserId userId;
        try {
            userId = new UserId(c.userId());
        } catch (PubNubException e) {
            throw new IllegalArgumentException("not a PubNub user id: '" + c.userId() + "': " + e.getErrorMessage(), e);
        }
        PNConfiguration.Builder b = PNConfiguration.builder(userId, c.subscribeKey())
                .publishKey(c.publishKey())
                .secure(c.secure())
                .logVerbosity(PNLogVerbosity.NONE)
                .maximumConnections(maxConnections)
                .retryConfiguration(retry);
        c.secretKey().ifPresent(b::secretKey);
        c.origin().ifPresent(b::origin);
        return PubNub.create(b.build());
    }
}
