package io.mediagateway.sync.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The token a WebSocket session runs on (contract §18): the session ends when it expires, unless the
 * client sends a fresh one first ({@code {"type":"auth","token":…}}). Shortly before the expiry the
 * client is warned, so it has time to fetch a new token. Thread-safe: the socket's thread refreshes,
 * the scheduler's thread expires.
 */
final class WsAuth {
    /** How long before the expiry the warning comes (at most half the token's remaining life). */
    static final Duration WARNING = Duration.ofSeconds(60);

    /** What the session does when its token nears its end and when it reaches it. */
    interface Listener {
        void expiring(Instant expiresAt);

        void expired(Instant expiresAt);
    }

    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Listener listener;
    private JwtTokens.Principal principal;
    private String bearer;
    private ScheduledFuture<?> warning;
    private ScheduledFuture<?> expiry;

    WsAuth(ScheduledExecutorService scheduler, Clock clock, Listener listener, JwtTokens.Principal principal, String bearer) {
        this.scheduler = scheduler;
        this.clock = clock;
        this.listener = listener;
        this.principal = principal;
        this.bearer = bearer;
    }

    /** Starts the timers: once the session is set up, since an expiring token may fire them at once. */
    synchronized void start() {
        use(principal, bearer);
    }

    synchronized JwtTokens.Principal principal() {
        return principal;
    }

    /** The raw token, for asking another instance on the session's behalf. */
    synchronized String bearer() {
        return bearer;
    }

    /** Whether the token has expired (a message that arrives then is not acted on). */
    synchronized boolean expired() {
        return !clock.instant().isBefore(principal.expiresAt());
    }

    /**
     * Switches to a fresh token of the same holder.
     *
     * @return false (and nothing changes) when it speaks for another user, device or service
     */
    synchronized boolean refresh(JwtTokens.Principal fresh, String freshBearer) {
        if (!principal.sameHolder(fresh)) {
            return false;
        }
        cancel();
        use(fresh, freshBearer);
        return true;
    }

    /** Stops the timers (the session closed). */
    synchronized void cancel() {
        if (warning != null) {
            warning.cancel(false);
        }
        if (expiry != null) {
            expiry.cancel(false);
        }
    }

    private void use(JwtTokens.Principal p, String token) {
        principal = p;
        bearer = token;
        Instant at = p.expiresAt();
        long left = Math.max(0, Duration.between(clock.instant(), at).toMillis());
        long warnIn = Math.max(0, left - Math.min(WARNING.toMillis(), left / 2));
        warning = scheduler.schedule(() -> listener.expiring(at), warnIn, TimeUnit.MILLISECONDS);
        scheduleExpiry(at, left);
    }

    /** The wall clock and the scheduler's clock may disagree by a little: fire only once the token has truly expired. */
    private void scheduleExpiry(Instant at, long inMs) {
        expiry = scheduler.schedule(() -> {
            synchronized (this) {
                if (!principal.expiresAt().equals(at)) {
                    return; // refreshed meanwhile
                }
                if (!expired()) {
                    scheduleExpiry(at, Math.max(1, Duration.between(clock.instant(), at).toMillis() + 1));
                    return;
                }
            }
            listener.expired(at);
        }, inMs, TimeUnit.MILLISECONDS);
    }
}
