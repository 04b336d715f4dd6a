package io.mediagateway.sync.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.deadletter.RejectReason;
import io.mediagateway.sync.model.Notification;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NotificationParserTest {
    private static final long NOW = Instant.parse("2026-12-06T12:00:00Z").toEpochMilli();
    private final NotificationParser parser = new NotificationParser();

    /** The contract's example shape (§14), every field. */
    private static ObjectNode example() {
        return (ObjectNode) Json.parse("{\"user_id\":\"user-12345\",\"notification_type\":\"content_expiring\","
                + "\"title\":\"Leaving soon\",\"body\":\"Fight Club leaves the platform in 7 days\",\"priority\":\"high\","
                + "\"expires_at\":\"2026-12-13T00:00:00Z\",\"data\":{\"content_id\":\"tmdb:550\",\"days_left\":7},"
                + "\"notification_id\":\"n-1\"}");
    }

    @Test
    void readsEveryFieldOfTheContractsShape() {
        Notification n = parser.parse(example(), null, NOW);
        assertThat(n.id()).isEqualTo("n-1");
        assertThat(n.userId()).isEqualTo("user-12345");
        assertThat(n.type()).isEqualTo(Notification.Type.CONTENT_EXPIRING);
        assertThat(n.title()).isEqualTo("Leaving soon");
        assertThat(n.priority()).isEqualTo(Notification.Priority.HIGH);
        assertThat(n.expiresAtMs()).isEqualTo(Instant.parse("2026-12-13T00:00:00Z").toEpochMilli());
        assertThat(n.dataJson()).isEqualTo("{\"content_id\":\"tmdb:550\",\"days_left\":7}");
        assertThat(n.expiredAt(NOW)).isFalse();
        assertThat(n.expiredAt(n.expiresAtMs())).isTrue();
    }

    @Test
    void optionalFieldsMayBeLeftOutAndTheRecordKeyNamesTheUser() {
        ObjectNode minimal = example();
        minimal.remove("expires_at");
        minimal.remove("data");
        minimal.remove("notification_id");
        minimal.remove("user_id");
        Notification n = parser.parse(minimal.toString().getBytes(StandardCharsets.UTF_8), "user-12345", NOW);
        assertThat(n.userId()).isEqualTo("user-12345");
        assertThat(n.id()).isNull();
        assertThat(n.expiresAtMs()).isNull();
        assertThat(n.dataJson()).isNull();
        assertThat(n.expiredAt(Long.MAX_VALUE)).isFalse();
    }

    @Test
    void eachBrokenRuleIsRefusedWithItsReasonAndTheFieldItNames() {
        refused(example().put("notification_type", "spam"), RejectReason.INVALID_FIELD, "'notification_type' must be one of");
        refused(without("title"), RejectReason.MISSING_FIELD, "'title' is required");
        refused(example().put("title", "  "), RejectReason.INVALID_FIELD, "'title' must be 1-200 characters");
        refused(example().put("title", "x".repeat(201)), RejectReason.INVALID_FIELD, "'title'");
        refused(example().put("body", "x".repeat(2001)), RejectReason.INVALID_FIELD, "'body' must be at most 2000");
        refused(example().put("priority", "asap"), RejectReason.INVALID_FIELD, "'priority' must be one of");
        refused(example().put("expires_at", "2026-12-06T11:59:59Z"), RejectReason.INVALID_FIELD, "'expires_at' is in the past");
        refused(example().put("expires_at", "tomorrow"), RejectReason.INVALID_FIELD, "'expires_at' must be an RFC 3339");
        refused(example().put("data", "text"), RejectReason.INVALID_FIELD, "'data' must be a JSON object");
        refused(example().put("notification_id", ""), RejectReason.INVALID_FIELD, "'notification_id'");
        refused(example().put("user_id", "not a user!"), RejectReason.INVALID_USER_ID, "'user_id' must be");
        refused(without("user_id"), RejectReason.MISSING_FIELD, "'user_id' is required");
    }

    @Test
    void onTheTopicTheBodysUserMustBeTheKeysAndTheRecordMustBeJsonOfBoundedSize() {
        assertThatThrownBy(() -> parser.parse(example().toString().getBytes(StandardCharsets.UTF_8), "someone-else", NOW))
                .isInstanceOfSatisfying(RejectedException.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.USER_MISMATCH));
        assertThatThrownBy(() -> parser.parse("{".getBytes(StandardCharsets.UTF_8), "user-12345", NOW))
                .isInstanceOfSatisfying(RejectedException.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.INVALID_JSON));
        byte[] big = example().put("body", "x".repeat(40_000)).toString().getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> parser.parse(big, "user-12345", NOW))
                .isInstanceOfSatisfying(RejectedException.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.OVERSIZED));
    }

    private static ObjectNode without(String field) {
        ObjectNode n = example();
        n.remove(field);
        return n;
    }

    private void refused(ObjectNode notification, RejectReason reason, String message) {
        assertThatThrownBy(() -> parser.parse(notification, null, NOW))
                .isInstanceOfSatisfying(RejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(message);
    }
}
