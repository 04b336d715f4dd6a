package io.mediagateway.sync.testing;

import io.mediagateway.sync.query.UserStateReader;
import io.mediagateway.sync.topology.StreamsProperties;
import io.mediagateway.sync.topology.SyncTopology;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** The service's real topology ({@link SyncTopology#build}) in a {@link TopologyTestDriver}, and its stores as reads see them. */
public final class SyncTopologyDriver {
    private SyncTopologyDriver() {
    }

    /**
     * A driver of the topology with {@code settings}, its state under {@code target/ttd/<applicationId>}, its wall clock
     * starting at {@code wallClockStart}.
     */
    public static TopologyTestDriver start(SyncTopology.Settings settings, String applicationId, Instant wallClockStart) {
        return start(settings, applicationId, Path.of("target", "ttd", applicationId), wallClockStart);
    }

    /** The same, its state under {@code stateDir}: two drivers of one application id (two regions) side by side. */
    public static TopologyTestDriver start(SyncTopology.Settings settings, String applicationId, Path stateDir,
                                           Instant wallClockStart) {
        Properties props = StreamsProperties.of(applicationId, "localhost:9", stateDir, 1, 50, 0);
        return new TopologyTestDriver(SyncTopology.build(new StreamsConfig(props), settings), props, wallClockStart);
    }

    /** The driver's stores, as {@link UserStateReader} reads them. */
    public static UserStateReader.Stores stores(TopologyTestDriver driver) {
        return name -> {
            @SuppressWarnings("unchecked")
            ReadOnlyKeyValueStore<String, byte[]> store =
                    (ReadOnlyKeyValueStore<String, byte[]>) (Object) driver.getKeyValueStore(name);
            return store;
        };
    }
}
