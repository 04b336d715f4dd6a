package io.mediagateway.sync.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.streams.errors.ProcessorStateException;

/**
 * A task's local state that Kafka Streams cannot open when it starts. Kafka Streams 4 opens every task
 * directory it finds on disk in {@code KafkaStreams.start()} (to read the stores' committed offsets) and
 * fails the start when one will not open — e.g. a RocksDB store whose {@code MANIFEST} is gone because the
 * process was killed (SIGKILL) while it deleted that task's state to rebuild it (the long fault run, 2026-12-07:
 * "While opening a file for sequentially reading: …/0_10/rocksdb/now-playing/MANIFEST-000005: No such file or
 * directory"). That state is a cache of the changelogs: the task's directory is deleted and the start tried
 * again, and the task restores from its changelogs as on a new disk.
 */
final class UnopenableState {
    /** How Kafka Streams' {@code RocksDBStore} (and the segmented stores) name the store they could not open. */
    private static final Pattern OPENING = Pattern.compile("Error opening store (\\S+) at location (\\S.*)$");
    /** A task directory: {@code <subtopology>_<partition>}. */
    private static final Pattern TASK = Pattern.compile("\\d+_\\d+");

    private UnopenableState() {
    }

    /** What could not be opened: the store's name and its task's directory under the application's state dir. */
    record Task(String store, Path directory) {
    }

    /**
     * The task directory under {@code applicationStateDir} ({@code state.dir}/{@code application.id}) whose store
     * {@code failure} could not open; empty when the failure is another, or names a place outside that directory.
     */
    static Optional<Task> of(Throwable failure, Path applicationStateDir) {
        Path root = applicationStateDir.toAbsolutePath().normalize();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (!(t instanceof ProcessorStateException) || t.getMessage() == null) {
                continue;
            }
            Matcher m = OPENING.matcher(t.getMessage().strip());
            if (!m.find()) {
                continue;
            }
            Path location = Path.of(m.group(2)).toAbsolutePath().normalize();
            if (location.startsWith(root) && location.getNameCount() > root.getNameCount() + 1) {
                Path task = root.resolve(location.getName(root.getNameCount()));
                if (TASK.matcher(task.getFileName().toString()).matches()) {
                    return Optional.of(new Task(m.group(1), task));
                }
            }
        }
        return Optional.empty();
    }

    /** Deletes a task's directory and everything in it. */
    static void delete(Path taskDirectory) throws IOException {
        if (!Files.exists(taskDirectory)) {
            return;
        }
        List<Path> all;
        try (Stream<Path> walk = Files.walk(taskDirectory)) {
            all = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }
}
