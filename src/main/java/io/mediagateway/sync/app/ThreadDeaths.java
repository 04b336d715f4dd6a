package io.mediagateway.sync.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * What to do when a stream thread dies of an error no input caused (bad input goes to the dead-letter topic and
 * never reaches here): replace the thread once, and give the whole process up when a thread dies again within
 * {@link #WINDOW} of the previous death.
 *
 * <p>Why not always replace: some failures leave the dead thread's tasks behind in this JVM — their RocksDB
 * stores still open and locked — and every replacement then dies on "lock hold by current process" while the
 * group sits in REBALANCING with no one restoring the tasks (seen in the fault suite after Kafka's state updater
 * thread died of KAFKA-20731). Only a new process frees them; its supervisor (Kubernetes, docker compose's
 * {@code restart:}, systemd) starts it again, and it restores from its local state or the changelogs.
 */
final class ThreadDeaths {
    /** A second death this soon after the first means the replacement did not mend it. */
    static final Duration WINDOW = Duration.ofMinutes(10);
    /** The process's exit code when it gives up: {@code EX_SOFTWARE}, an internal error. */
    static final int EXIT_CODE = 70;

    private final Clock clock;
    private Instant lastDeath;

    ThreadDeaths(Clock clock) {
        this.clock = clock;
    }

    /** Called on each death: REPLACE_THREAD the first time in a window, SHUTDOWN_CLIENT after. */
    synchronized StreamThreadExceptionResponse onDeath() {
        Instant now = clock.instant();
        Instant previous = lastDeath;
        lastDeath = now;
        if (previous != null && Duration.between(previous, now).compareTo(WINDOW) < 0) {
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
