package io.mediagateway.sync.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mediagateway.sync.testing.Http;
import io.mediagateway.sync.testing.KafkaBroker;
import io.mediagateway.sync.testing.Ports;
import io.mediagateway.sync.testing.RealServices;
import io.mediagateway.sync.web.JwtTokens;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * An instance starts on a state directory where a store cannot be opened — its RocksDB {@code MANIFEST} gone, as
 * when the process was killed while it deleted that task's state (the long fault run: the instance exited 1 and
 * could not start again) — and serves every user's state, the broken tasks restored from their changelogs.
 */
@ExtendWith(RealServices.class)
class UnopenableStateIT {
    private static final String SECRET = "unopenable-state-it-secret-long-enough-for-hs256";
    private final JwtTokens tokens = new JwtTokens(SECRET);
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void shouldStartOverAStoreThatCannotBeOpenedAndServeItsUsers(KafkaBroker kafka) throws Exception {
        String applicationId = "unopenable-it-" + UUID.randomUUID().toString().substring(0, 8);
        int port = Ports.free();
        Map<String, String> env = InstanceEnv.serving(kafka, applicationId, "unopenable", port, SECRET);
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            users.add(applicationId.substring(14) + "-u" + i);
        }
        String base = "http://127.0.0.1:" + port;
        try (SyncService service = SyncService.start(SyncConfig.fromEnv(env))) {
            await().atMost(Duration.ofSeconds(90)).until(() -> Http.status(base + "/ready") == 200);
            for (String user : users) {
                HttpResponse<String> w = Http.call(base + "/api/v1/sync/preferences", token(user),
                        "{\"key\":\"language\",\"value\":\"" + user + "\"}");
                assertThat(w.statusCode()).as(w.body()).isEqualTo(202);
                String after = mapper.readTree(w.body()).path("token").asText();
                assertThat(Http.call(base + "/api/v1/sync/preferences?after=" + after, token(user), null).statusCode())
                        .isEqualTo(200);
            }
        }

        // given every task's preferences store without its MANIFEST (CURRENT still names it)
        Path stateDir = Path.of(env.get("SYNC_DATA_DIR"), "streams", applicationId);
        List<Path> manifests;
        try (Stream<Path> files = Files.walk(stateDir)) {
            manifests = files.filter(p -> p.getParent().getFileName().toString().equals("preferences")
                    && p.getFileName().toString().startsWith("MANIFEST-")).toList();
        }
        assertThat(manifests).as("the stores written before the stop").isNotEmpty();
        for (Path manifest : manifests) {
            Files.delete(manifest);
        }

        Logger logger = (Logger) LoggerFactory.getLogger(SyncService.class);
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        logger.addAppender(warnings);
        try (SyncService service = SyncService.start(SyncConfig.fromEnv(env))) {
            // then it starts, saying which task's state it deleted, and every user's preference is served again
            await().atMost(Duration.ofSeconds(90)).until(() -> Http.status(base + "/ready") == 200);
            for (String user : users) {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    HttpResponse<String> r = Http.call(base + "/api/v1/sync/preferences", token(user), null);
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    assertThat(mapper.readTree(r.body()).path("items").path("language").asText()).isEqualTo(user);
                });
            }
            assertThat(warnings.list).map(ILoggingEvent::getFormattedMessage)
                    .anyMatch(m -> m.contains("store preferences of task") && m.contains("cannot be opened"));
        } finally {
            logger.detachAppender(warnings);
        }
    }

    private String token(String user) {
        return tokens.forUser(user, "phone", Duration.ofHours(1), Instant.now());
    }
}
