package io.mediagateway.sync.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fresh directories under {@code target/} (never the OS temp dir: Streams warns about it and CI may clean it). */
public final class TestDirs {
    private TestDirs() {
    }

    public static Path create(String prefix) throws IOException {
        Path root = Path.of(System.getProperty("sync.test.workdir", "target/test-work")).toAbsolutePath();
        Files.createDirectories(root);
        return Files.createTempDirectory(root, prefix + "-");
    }
}
