package io.mediagateway.sync.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A stable identity per data dir, used as the Streams consumers' {@code group.instance.id}: with
 * static membership a restarted instance takes its tasks back at once instead of waiting for the
 * old member's session to expire (and without moving state to other instances). Two instances
 * never share a data dir (Streams locks its state dir), so the id is unique in the group.
 */
final class InstanceId {
    private static final String FILE = "instance-id";

    private InstanceId() {
    }

    static String loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            if (Files.exists(file)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!id.isEmpty()) {
                    return id;
                }
            }
            String id = "sync-" + UUID.randomUUID();
            Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }
}
