package io.mediagateway.sync.app.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mediagateway.sync.codec.Json;
import io.mediagateway.sync.codec.StateCodec;
import io.mediagateway.sync.crdt.OrElement;
import io.mediagateway.sync.query.UserStateReader;
import io.mediagateway.sync.topics.Topics;
import io.mediagateway.sync.topology.SyncTopology;
import io.mediagateway.sync.testing.SyncTopologyDriver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/**
 * The fault suite's reference model against the real topology with no fault at all: the same seeded workload piped
 * through {@link TopologyTestDriver} must leave every user's reads — and the commands' outcomes — exactly as the model
 * predicts. The suite's verdict is only as good as its model; this is where the model itself is checked.
 */
class ReferenceModelTest {
    private static final Instant START = Instant.parse("2026-11-21T10:00:00Z");
    private TopologyTestDriver driver;
    private TestInputTopic<String, String> events;
    private TestOutputTopic<String, byte[]> deltas;
    private final UserStateReader reader = new UserStateReader(new StateCodec(OrElement.Policy.DEFAULT),
            Duration.ofDays(7).toMillis());

    private void start() {
        driver = SyncTopologyDriver.start(SyncTopology.Settings.defaults(), "model-" + System.nanoTime(), START);
        events = driver.createInputTopic(Topics.DEVICE_EVENTS.name(), new StringSerializer(), new StringSerializer(),
                START, Duration.ofMillis(1));
        deltas = driver.createOutputTopic(Topics.STATE_DELTAS.name(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    private void close() {
        driver.close();
    }

    private UserStateReader.Stores stores() {
        return SyncTopologyDriver.stores(driver);
    }

    private static JsonNode sent(JsonNode answer) {
        return Json.parse(Json.string(answer));
    }

    @Test
    void theTopologyEndsWhereTheModelSaysForEverySeed() {
        for (long seed : new long[] {1, 2, 20_261_206}) {
            start();
            try {
                check(seed);
            } finally {
                close();
            }
        }
    }

    private void check(long seed) {
        ReferenceModel model = new ReferenceModel();
        Workload workload = new Workload(seed, 8, START.toEpochMilli(), model);
        Map<String, List<ReferenceModel.CommandOutcome>> commands = new HashMap<>();
        for (int i = 0; i < 3_000; i++) {
            Workload.Op op = workload.next();
            events.pipeInput(op.user(), op.json());
        }
        for (var record : deltas.readRecordsToList()) {
            JsonNode d = Json.parse(record.value());
            String type = d.path("msg_type").asText();
            if (type.equals("remote_command") || type.equals("command_rejected")) {
                commands.computeIfAbsent(d.path("user_id").asText(), k -> new ArrayList<>()).add(
                        new ReferenceModel.CommandOutcome(d.path("target_device_id").asText(),
                                d.path("command").path("type").asText(),
                                type.equals("command_rejected") ? d.path("reason").asText() : null));
            }
        }
        long now = START.toEpochMilli() + 60_000;
        for (String user : workload.users()) {
            // As the API sends them: rendered items are written out as they are kept.
            ReferenceModel.UserView read = Views.of(sent(reader.watchlist(stores(), user)),
                    sent(reader.progress(stores(), user, UserStateReader.ProgressFilter.ALL)),
                    sent(reader.preferences(stores(), user)), sent(reader.devices(stores(), user, now)));
            assertThat(read).as("seed " + seed + ", " + user).isEqualTo(model.view(user));
            assertThat(read.watchlist()).as("the workload fills the watchlist").isNotEmpty();
            assertThat(commands.getOrDefault(user, List.of())).as("seed " + seed + ", commands of " + user)
                    .isEqualTo(model.commands(user));
        }
        assertThat(commands.values().stream().flatMap(List::stream).map(ReferenceModel.CommandOutcome::reason))
                .as("commands delivered and rejected for each reason").contains(null, "unknown_device", "not_supported");
    }
}
