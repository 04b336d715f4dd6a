package io.mediagateway.sync.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.testing.WsTestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Writes are safe to retry (contract §12): a REST write with the same {@code Idempotency-Key}, or a
 * WebSocket write with the same {@code message_id}, has no second effect — a retried command reaches
 * the TV once — and is answered like the first.
 */
class IdempotentWritesTest {
    private static final String JOIN = "{\"msg_type\":\"device_join\",\"device_id\":\"tv\",\"device_type\":\"TV\","
            + "\"capabilities\":{\"remote_controllable\":true}}";

    @RegisterExtension
    final ApiFixture f = new ApiFixture();

    @BeforeEach
    void start() {
        f.produce("alice", JOIN.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> command(String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(f.base + "/api/v1/devices/command"))
                .header("Authorization", "Bearer " + f.user("alice", "phone")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"target_device_id\":\"tv\",\"command\":{\"type\":\"Pause\"}}"));
        if (key != null) {
            b.header(ApiRoutes.IDEMPOTENCY_KEY, key);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private long commandDeltas() throws Exception {
        return f.deltas().stream().filter(d -> d.path("msg_type").asText().equals("remote_command")).count();
    }

    @Test
    void aRetriedRestCommandWithItsIdempotencyKeyReachesTheTvOnce() throws Exception {
        f.deltas();
        assertThat(command("retry-1").statusCode()).isEqualTo(202);
        assertThat(command("retry-1").statusCode()).as("the retry is answered like the first").isEqualTo(202);
        assertThat(commandDeltas()).isEqualTo(1);

        // without a key, or with another one, each is a command of its own
        assertThat(command("retry-2").statusCode()).isEqualTo(202);
        assertThat(command(null).statusCode()).isEqualTo(202);
        assertThat(commandDeltas()).isEqualTo(2);

        HttpResponse<String> tooLong = command("k".repeat(129));
        f.assertError(tooLong, 400, "invalid_field");
        assertThat(f.json(tooLong).path("message").asText()).contains("Idempotency-Key");
        assertThat(commandDeltas()).isZero();
    }

    @Test
    void aRetriedWebSocketWriteWithItsMessageIdHasNoSecondEffect() throws Exception {
        f.deltas();
        try (WsTestClient ws = WsTestClient.connect(f.wsUrl(f.user("alice", "phone")))) {
            assertThat(ws.next(Duration.ofSeconds(5))).contains("\"type\":\"snapshot\"");
            String message = "{\"type\":\"remote_command\",\"id\":%d,\"message_id\":\"m-1\",\"target_device_id\":\"tv\","
                    + "\"command\":{\"type\":\"Play\"}}";
            ws.send(String.format(message, 1));
            ws.send(String.format(message, 2));
            for (int id = 1; id <= 2; id++) {
                JsonNode ack = f.json(ws.nextContaining("\"id\":" + id, Duration.ofSeconds(5)));
                assertThat(ack.path("type").asText()).isEqualTo("ack");
            }
        }
        assertThat(commandDeltas()).isEqualTo(1);
    }
}
