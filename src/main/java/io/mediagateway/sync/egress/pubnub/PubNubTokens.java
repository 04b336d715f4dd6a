package io.mediagateway.sync.egress.pubnub;

import com.pubnub.api.PubNubException;
import com.pubnub.api.java.PubNub;
import com.pubnub.api.java.models.consumer.access_manager.v3.ChannelGrant;
import io.mediagateway.sync.model.PubNubAccess;
import io.mediagateway.sync.model.PubNubAccess.Grant;
import io.mediagateway.sync.model.PubNubAccess.Outcome;
import io.mediagateway.sync.model.PubNubAccess.Permission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access Manager v3 tokens for devices (contract §15), granted with the SDK's {@code grantToken} and the secret key:
 * bound to the user ({@code authorizedUUID} = the user id), for exactly the channels {@link PubNubAccess#channels}
 * names. PubNub rate-limits grants, so a token is reused for the same user and region while at least a quarter of its
 * life is left (by default 6 of 24 hours), and concurrent requests for one user wait for one grant. A refusal or a
 * failure is answered as it is and nothing is cached.
 */
public final class PubNubTokens implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PubNubTokens.class);

    private final PubNub pubnub;
    private final String subscribeKey;
    private final int ttlMinutes;
    private final boolean ingress;
    private final Optional<UserCipherKeys> userKeys;
    private final LongSupplier clockMs;
    private final int maxCached;
    private final Map<String, Grant> cache;
    private final ConcurrentHashMap<String, CompletableFuture<Outcome>> inFlight = new ConcurrentHashMap<>();

    /**
     * @param ttlMinutes the life of each token ({@code SYNC_PUBNUB_TOKEN_TTL_MIN})
     * @param ingress    whether devices may publish on their {@code .sync} and {@code .devices} channels
     * @param maxCached  users whose token is kept (the least recently asked leave first)
     */
    public PubNubTokens(PubNubSink.Connection connection, int ttlMinutes, boolean ingress, int maxCached, LongSupplier clockMs) {
        if (connection.secretKey().isEmpty()) {
            throw new IllegalArgumentException("granting tokens needs the secret key");
        }
        this.pubnub = PubNubClients.create(connection, 8);
        this.subscribeKey = connection.subscribeKey();
        this.ttlMinutes = ttlMinutes;
        this.ingress = ingress;
        this.userKeys = connection.userKeys();
        this.clockMs = clockMs;
        this.maxCached = maxCached;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Grant> eldest) {
                return size() > PubNubTokens.this.maxCached;
            }
        };
    }

    /** A token for a device of {@code userId} in {@code region}: a cached one with a quarter of its life left, or a new grant. */
    public Outcome grant(String userId, Optional<String> region) {
        String key = userId + '\0' + region.orElse("");
        Grant cached = cached(key);
        if (cached != null) {
            return new Outcome.Granted(cached);
        }
        CompletableFuture<Outcome> mine = new CompletableFuture<>();
        CompletableFuture<Outcome> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return running.join();
        }
        try {
            Outcome outcome = ask(userId, region);
            if (outcome instanceof Outcome.Granted g) {
                synchronized (cache) {
                    cache.put(key, g.grant());
                }
            }
            mine.complete(outcome);
            return outcome;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private Grant cached(String key) {
        synchronized (cache) {
            Grant g = cache.get(key);
            if (g == null) {
                return null;
            }
            long left = g.expiresAtMs() - clockMs.getAsLong();
            if (left >= g.ttlMinutes() * 60_000L / 4) {
                return g;
            }
            cache.remove(key);
            return null;
        }
    }

    private Outcome ask(String userId, Optional<String> region) {
        Map<String, Set<Permission>> channels = PubNubAccess.channels(userId, region, ingress);
        List<ChannelGrant> grants = new ArrayList<>();
        channels.forEach((name, permissions) -> {
            ChannelGrant g = ChannelGrant.name(name);
            if (permissions.contains(Permission.READ)) {
                g = g.read();
            }
            if (permissions.contains(Permission.WRITE)) {
                g = g.write();
            }
            grants.add(g);
        });
        long at = clockMs.getAsLong();
        try {
            String token = pubnub.grantToken(ttlMinutes).authorizedUUID(userId).channels(grants).sync().getToken();
            return new Outcome.Granted(new Grant(token, at, ttlMinutes, subscribeKey, userId, channels,
                    userKeys.map(k -> k.cipherKey(userId)), userKeys.flatMap(k -> k.previousCipherKey(userId))));
        } catch (PubNubException e) {
            int status = e.getStatusCode();
            log.warn("PubNub did not grant a token for user {} (HTTP {}): {}", userId, status == 0 ? "none" : status,
                    e.getErrorMessage());
            if (status == 0 || status == 408 || status == 429 || status >= 500) {
                return new Outcome.Unavailable("PubNub did not grant a token now (" + (status == 0 ? "no answer"
                        : "HTTP " + status) + "): try again later");
            }
            return new Outcome.Refused(status, "PubNub refused the grant (HTTP " + status + "): " + e.getErrorMessage());
        }
    }

    @Override
    public void close() {
        pubnub.forceDestroy();
    }
}
