package io.mediagateway.sync.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediagateway.sync.testing.TestDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class UnopenableStateTest {
    private final Path root = Path.of("/data/streams/fault-sync");

    private static ProcessorStateException opening(String store, Path location) {
        return new ProcessorStateException("Error opening store " + store + " at location " + location,
                new RuntimeException("While opening a file for sequentially reading: " + location + "/MANIFEST-000005: "
                        + "No such file or directory"));
    }

    @Test
    void shouldNameTheTaskDirectoryOfTheStoreThatCouldNotBeOpened() {
        // the message of the long fault run's failed start, wrapped as Kafka Streams may wrap it
        Throwable failure = new StreamsException(opening("now-playing", root.resolve("0_10/rocksdb/now-playing")));

        assertThat(UnopenableState.of(failure, root))
                .contains(new UnopenableState.Task("now-playing", root.resolve("0_10")));
    }

    @Test
    void shouldNameTheTaskOfASegmentedStore() {
        Throwable failure = opening("message-ids.1796634000000", root.resolve("0_3/message-ids/message-ids.1796634000000"));

        assertThat(UnopenableState.of(failure, root).map(UnopenableState.Task::directory)).contains(root.resolve("0_3"));
    }

    @Test
    void shouldNameNothingOutsideTheApplicationsStateOrForOtherFailures() {
        assertThat(UnopenableState.of(opening("x", Path.of("/elsewhere/0_1/rocksdb/x")), root)).isEmpty();
        assertThat(UnopenableState.of(opening("x", root.resolve("../other-app/0_1/rocksdb/x")), root)).isEmpty();
        assertThat(UnopenableState.of(opening("x", root.resolve("not-a-task/rocksdb/x")), root)).isEmpty();
        assertThat(UnopenableState.of(opening("x", root.resolve("0_1")), root)).as("the task dir itself is no store").isEmpty();
        assertThat(UnopenableState.of(new ProcessorStateException("task [0_1] Failed to flush"), root)).isEmpty();
        assertThat(UnopenableState.of(new IllegalStateException("Error opening store x at location " + root.resolve("0_1/x")),
                root)).as("only Kafka Streams' own state failure").isEmpty();
    }

    @Test
    void shouldDeleteTheTaskDirectoryAndNothingBeside() throws Exception {
        Path app = TestDirs.create("unopenable");
        Path task = Files.createDirectories(app.resolve("0_10/rocksdb/now-playing"));
        Files.writeString(task.resolve("CURRENT"), "MANIFEST-000005\n");
        Files.writeString(app.resolve("0_10/.checkpoint"), "0\n");
        Path other = Files.createDirectories(app.resolve("0_11/rocksdb/now-playing"));

        UnopenableState.delete(app.resolve("0_10"));

        assertThat(app.resolve("0_10")).doesNotExist();
        assertThat(other).exists();
        UnopenableState.delete(app.resolve("0_10")); // gone already: nothing to do
    }
}
