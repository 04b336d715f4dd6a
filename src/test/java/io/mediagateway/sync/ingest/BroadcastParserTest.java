package io.mediagateway.sync.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.deadletter.RejectReason;
import io.mediagateway.sync.model.Broadcast;
import io.mediagateway.sync.model.BroadcastChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BroadcastParserTest {
    private final BroadcastParser parser = new BroadcastParser();

    @Test
    void keepsTheWholeMessageInCanonicalFormWithItsChannelAndType() {
        Broadcast b = parser.parse(Json.parse("{\"msg_type\":\"maintenance\",\"channel\":\"global.announcements\","
                + "\"starts_at\":\"2026-12-07T02:00:00Z\",\"text\":\"Short maintenance tonight\"}"));
        assertThat(b.channel().kind()).isEqualTo(BroadcastChannel.Kind.ANNOUNCEMENTS);
        assertThat(b.msgType()).isEqualTo("maintenance");
        assertThat(b.json()).isEqualTo("{\"channel\":\"global.announcements\",\"msg_type\":\"maintenance\","
                + "\"starts_at\":\"2026-12-07T02:00:00Z\",\"text\":\"Short maintenance tonight\"}");
    }

    @Test
    void refusesChannelsOutsideTheFourKindsTrendingTheWrongKeyAndOversizedMessages() {
        refused("{\"channel\":\"region.eu west.updates\",\"msg_type\":\"x\"}", RejectReason.INVALID_FIELD, "'channel' must be");
        refused("{\"channel\":\"user.alice.sync\",\"msg_type\":\"x\"}", RejectReason.INVALID_FIELD, "'channel' must be");
        refused("{\"channel\":\"global.trending\",\"msg_type\":\"x\"}", RejectReason.INVALID_FIELD, "published by the service");
        refused("{\"channel\":\"platform.tizen.catalog\"}", RejectReason.MISSING_FIELD, "'msg_type' is required");
        refused("{\"channel\":\"platform.tizen.catalog\",\"msg_type\":\"x\",\"blob\":\"" + "y".repeat(31_000) + "\"}",
                RejectReason.OVERSIZED, "30720");
        assertThatThrownBy(() -> parser.parse("{\"channel\":\"region.eu.updates\",\"msg_type\":\"x\"}"
                .getBytes(StandardCharsets.UTF_8), "region.us.updates")).hasMessageContaining("but the record key is");
        assertThat(parser.parse("{\"channel\":\"region.eu.updates\",\"msg_type\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                "region.eu.updates").channel().name()).isEqualTo("region.eu.updates");
    }

    private void refused(String json, RejectReason reason, String message) {
        assertThatThrownBy(() -> parser.parse(json.getBytes(StandardCharsets.UTF_8), null))
                .isInstanceOfSatisfying(RejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(message);
    }
}
