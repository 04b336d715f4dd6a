package io.mediagateway.sync.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Fresh directories under {@code target/} (never the OS temp dir: Streams warns about it and CI may clean it).
 * The first use in a test JVM empties what earlier runs left there (brokers' logs, state stores: gigabytes
 * after a few runs); surefire and failsafe each run one JVM with a root of its own.
 */
public final class TestDirs {
    private static final AtomicBoolean CLEARED = new AtomicBoolean();

    private TestDirs() {
    }

    public static Path create(String prefix) throws IOException {
        Path root = Path.of(System.getProperty("sync.test.workdir", "target/test-work")).toAbsolutePath();
        if (CLEARED.compareAndSet(false, true)) {
            deleteContents(root);
        }
        Files.createDirectories(root);
        return Files.createTempDirectory(root, prefix + "-");
    }

    /** Deletes everything under {@code dir} (not {@code dir} itself); nothing when it does not exist. */
    public static void deleteContents(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
