package io.mediagateway.sync.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

    @Test
    void shouldShortenThePresenceTimeoutSoASilentDeviceGoesOfflineWithinTheDemoUnlessConfigured() {
        assertThat(DemoCommand.demoEnvironment(Map.of("SYNC_PORT", "9000")))
                .containsEntry("SYNC_PRESENCE_TIMEOUT_MS", DemoCommand.DEMO_PRESENCE_TIMEOUT_MS)
                .containsEntry("SYNC_PORT", "9000");
        assertThat(DemoCommand.demoEnvironment(Map.of("SYNC_PRESENCE_TIMEOUT_MS", "60000")))
                .containsEntry("SYNC_PRESENCE_TIMEOUT_MS", "60000");
        // the simulated silence (45 s) is longer than the demo's timeout, so the phone does go offline
        assertThat(io.mediagateway.sync.demo.DeviceSimulator.Settings.demo(DemoCommand.DEMO_USERS).silentFor().toMillis())
                .isGreaterThan(Long.parseLong(DemoCommand.DEMO_PRESENCE_TIMEOUT_MS));
    }

    @Test
    void shouldMakeAJwtSecretForTheRunUnlessOneIsSet() {
        String made = DemoCommand.demoEnvironment(Map.of()).get("SYNC_JWT_SECRET");
        assertThat(made).hasSizeGreaterThanOrEqualTo(32);
        assertThat(DemoCommand.demoEnvironment(Map.of()).get("SYNC_JWT_SECRET")).isNotEqualTo(made);
        assertThat(DemoCommand.demoEnvironment(Map.of("SYNC_JWT_SECRET", "mine"))).containsEntry("SYNC_JWT_SECRET", "mine");
    }
}
