package io.mediagateway.sync.model;

import static io.mediagateway.sync.model.CommandValidation.Rejection.DEVICE_OFFLINE;
import static io.mediagateway.sync.model.CommandValidation.Rejection.EXPIRED;
import static io.mediagateway.sync.model.CommandValidation.Rejection.NOT_SUPPORTED;
import static io.mediagateway.sync.model.CommandValidation.Rejection.NO_ACTIVE_CONTENT;
import static io.mediagateway.sync.model.CommandValidation.Rejection.UNKNOWN_DEVICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.crdt.Stamp;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CommandValidationTest {
    private static final long NOW = 1_733_500_800_000_000L;
    private static final long LATER = NOW + 5_000_000;
    private static final DeviceRecord TV = DeviceRecord.seen(DeviceRecordTest.TV, new Stamp(1, "tv"), 0);
    private static final Capabilities NO_CAST = new Capabilities("FHD", List.of(), List.of(), true, false, null);
    private static final DeviceRecord STICK = DeviceRecord.seen(
            new DeviceInfo("TV", "Android", NO_CAST, "1", null, null, null), new Stamp(1, "stick"), 0);
    private static final DeviceRecord PHONE = DeviceRecord.seen(
            new DeviceInfo("Phone", "iOS", Capabilities.NONE, "1", null, null, null), new Stamp(1, "phone"), 0);

    @Test
    void shouldAcceptAValidCommand() {
        assertThat(CommandValidation.validate(CommandType.PAUSE, LATER, NOW, Optional.of(TV), true)).isEmpty();
        assertThat(CommandValidation.validate(CommandType.SEEK, LATER, NOW, Optional.of(TV), true)).isEmpty();
        assertThat(CommandValidation.validate(CommandType.CAST_TO, LATER, NOW, Optional.of(TV), false)).isEmpty();
    }

    @Test
    void shouldCheckTheRulesInTheContractsOrder() {
        // expired wins over everything, even an unknown target
        assertThat(CommandValidation.validate(CommandType.PLAY, NOW, NOW, Optional.empty(), false)).contains(EXPIRED);
        assertThat(CommandValidation.validate(CommandType.PLAY, LATER, NOW, Optional.empty(), false)).contains(UNKNOWN_DEVICE);
        // offline is reported before "not remote controllable"
        DeviceRecord offlinePhone = PHONE.timeout();
        assertThat(CommandValidation.validate(CommandType.PLAY, LATER, NOW, Optional.of(offlinePhone), false)).contains(DEVICE_OFFLINE);
        assertThat(CommandValidation.validate(CommandType.PLAY, LATER, NOW, Optional.of(PHONE), false)).contains(NOT_SUPPORTED);
        assertThat(CommandValidation.validate(CommandType.SEEK, LATER, NOW, Optional.of(TV), false)).contains(NO_ACTIVE_CONTENT);
        assertThat(CommandValidation.validate(CommandType.CAST_TO, LATER, NOW, Optional.of(STICK), true)).contains(NOT_SUPPORTED);
        // Seek's rule comes before CastTo's: both checked, in order
        assertThat(CommandValidation.validate(CommandType.SEEK, LATER, NOW, Optional.of(STICK), false)).contains(NO_ACTIVE_CONTENT);
    }

    @Test
    void shouldUseTheWireNamesOfReasonsAndTypes() {
        assertThat(NO_ACTIVE_CONTENT.code()).isEqualTo("no_active_content");
        assertThat(CommandType.parse("VolumeSet")).contains(CommandType.VOLUME_SET);
        assertThat(CommandType.parse("volumeset")).isEmpty();
    }
}
