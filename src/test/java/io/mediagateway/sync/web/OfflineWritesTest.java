package io.mediagateway.sync.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.crdt.Hlc;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Offline edits keep their time (contract §12): a REST or WebSocket write may carry {@code hlc} or
 * {@code timestamp}; one queued while offline then loses to a newer write made elsewhere meanwhile. The
 * clock-skew rule applies; a time in the past is accepted.
 */
class OfflineWritesTest {
    @RegisterExtension
    final ApiFixture f = new ApiFixture();

    @Test
    void anEditQueuedOfflineLosesToANewerEditMadeElsewhere() throws Exception {
        String tv = f.user("alice", "tv");
        String phone = f.user("alice", "phone");
        // the TV changes the language now
        f.post("/api/v1/sync/preferences", tv, "{\"key\":\"language\",\"value\":\"fr\"}");
        // the phone was offline an hour ago when it set another one, and sends it now with its own time
        long anHourAgoMicros = Instant.now().minusSeconds(3600).toEpochMilli() * 1000;
        HttpResponse<String> late = f.post("/api/v1/sync/preferences", phone,
                "{\"key\":\"language\",\"value\":\"de\",\"timestamp\":" + anHourAgoMicros + "}");
        assertThat(late.statusCode()).as(late.body()).isEqualTo(202);
        assertThat(Hlc.physicalMs(Hlc.parseDecimal(f.json(late).path("hlc").asText()))).isEqualTo(anHourAgoMicros / 1000);

        String after = f.json(late).path("token").asText();
        assertThat(f.json(f.get("/api/v1/sync/preferences?after=" + after, phone)).path("items").path("language").asText())
                .as("the newer edit stands").isEqualTo("fr");

        // an hlc given as a string works the same; one too far ahead is refused by the clock-skew rule
        long aMinuteAgo = Hlc.pack(Instant.now().minusSeconds(60).toEpochMilli(), 0);
        assertThat(f.post("/api/v1/sync/watchlist", phone, "{\"operation\":\"add\",\"content_id\":\"c\",\"hlc\":\""
                + aMinuteAgo + "\"}").statusCode()).isEqualTo(202);
        long anHourAhead = Hlc.pack(Instant.now().plusSeconds(3600).toEpochMilli(), 0);
        f.assertError(f.post("/api/v1/sync/watchlist", phone, "{\"operation\":\"add\",\"content_id\":\"c\",\"hlc\":\""
                + anHourAhead + "\"}"), 400, "clock_skew");
    }
}
