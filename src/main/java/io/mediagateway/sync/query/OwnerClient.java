package io.mediagateway.sync.query;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the instance that holds a key: a GET marked as forwarded ({@link #FORWARDED}), so the owner
 * answers from what it has rather than forwarding again.
 */
public final class OwnerClient {
    private static final Logger log = LoggerFactory.getLogger(OwnerClient.class);
    public static final String FORWARDED = "X-Sync-Forwarded";
    /** The header a copy that may be behind the owner marks its answers with, saying why. */
    public static final String STALENESS = "X-Sync-Staleness";
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** The owner's answer within {@link #TIMEOUT}; empty when it does not answer. */
    public Optional<HttpResponse<byte[]>> get(String url, String authorization) {
        return get(url, authorization, TIMEOUT);
    }

    /** The answer within {@code timeout}; empty when it does not answer. */
    public Optional<HttpResponse<byte[]>> get(String url, String authorization, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).header(FORWARDED, "1").GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return Optional.of(http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray()));
        } catch (java.io.IOException e) {
            log.warn("Asking {} failed: {}", url.replaceFirst("\\?.*", ""), e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
