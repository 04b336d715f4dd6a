package io.mediagateway.sync.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.HttpStatus;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.model.Identifiers;
import io.mediagateway.sync.query.ReadRouter;
import io.mediagateway.sync.query.UserStateReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A progress write without {@code duration_seconds} keeps the duration already known for that content
 * (contract §11: the original README's {@code progress_update} sends only the position): read from the
 * user's progress wherever it lives, as any read is. None known: 400 {@code missing_field}.
 */
final class KnownDurations {
    private final ReadRouter router;
    private final UserStateReader reader;

    KnownDurations(ReadRouter router, UserStateReader reader) {
        this.router = router;
        this.reader = reader;
    }

    /** Sets the event's {@code duration_seconds} from the known progress, when the request gave none. */
    void fill(String user, boolean service, ObjectNode event, String authorization) {
        if (event.hasNonNull("duration_seconds") || !event.path("content_id").isTextual()
                || !Identifiers.isContentId(event.get("content_id").asText())) {
            return; // given, or the parser will name what is wrong with the content id
        }
        String content = event.get("content_id").asText();
        String path = "/api/v1/sync/progress/" + URLEncoder.encode(content, StandardCharsets.UTF_8).replace("+", "%20")
                + (service ? "?user_id=" + user : "");
        ReadRouter.Outcome outcome;
        try {
            outcome = router.read(user, Optional.empty(), (stores, u) -> reader.progressItem(stores, u, content),
                    Optional.ofNullable(authorization).map(a -> new ReadRouter.Forward(path, a)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiRoutes.ApiException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "interrupted; retry", 1);
        }
        JsonNode known = null;
        if (outcome instanceof ReadRouter.Found found) {
            known = found.body().get("duration_seconds");
        } else if (outcome instanceof ReadRouter.Relayed relayed && relayed.status() == 200) {
            known = Json.parse(relayed.body()).get("duration_seconds");
        } else if (outcome instanceof ReadRouter.NotReady notReady) {
            throw new ApiRoutes.ApiException(HttpStatus.SERVICE_UNAVAILABLE, notReady.code(), "the known duration of '"
                    + content + "' cannot be read now (" + notReady.message() + "); send duration_seconds or retry",
                    notReady.retryAfterSeconds());
        }
        if (known == null || !known.isNumber()) {
            throw new ApiRoutes.ApiException(HttpStatus.BAD_REQUEST, "missing_field", "'duration_seconds' is required: "
                    + "no duration is known yet for content '" + content + "'");
        }
        event.set("duration_seconds", known);
    }
}
