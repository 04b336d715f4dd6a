package io.mediagateway.sync.app.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mediagateway.sync.app.SyncService;
import io.mediagateway.sync.testing.ServiceProcess;
import io.mediagateway.sync.testing.TestDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fault suite's one excuse for a failed read ({@link Load.FailedRead#refusedWhileStoppingItself}): a refused
 * connection, by a process that logged its decision to stop itself and was gone within 30 s — and nothing else. Real
 * processes (a shell standing in for the service's JVM) write the log file the suite reads, one after another.
 */
class StoppingItselfOracleIT {

    /** A process that prints {@code line} to {@code log} (appending, as a restarted instance does) and exits. */
    private static ServiceProcess exited(Path log, String line, int code) throws Exception {
        ServiceProcess p = ServiceProcess.start(List.of("sh", "-c", "echo '" + line + "'; exit " + code, "sh"), Map.of(), log);
        await().atMost(Duration.ofSeconds(10)).until(() -> p.exitedAtMs() > 0);
        return p;
    }

    private static Load.FailedRead read(boolean refused, long atMs, ServiceProcess process) {
        return new Load.FailedRead("instance 1", "u1", refused ? "java.net.ConnectException" : "503 {}", atMs, "instance 2",
                refused, process);
    }

    @Test
    void shouldExcuseOnlyAConnectionRefusedByAProcessThatGaveUpAndWasGoneSoonAfter() throws Exception {
        Path log = TestDirs.create("oracle").resolve("instance-1.log");
        ServiceProcess gaveUp = exited(log, "A stream thread died again; " + SyncService.GIVING_UP + " 70", 70);
        long exit = gaveUp.exitedAtMs();

        assertThat(read(true, exit - 2_000, gaveUp).refusedWhileStoppingItself()).as("refused 2 s before it was gone").isTrue();
        assertThat(read(false, exit - 2_000, gaveUp).refusedWhileStoppingItself()).as("an answer, not a refusal").isFalse();
        assertThat(read(true, exit - 60_000, gaveUp).refusedWhileStoppingItself()).as("a minute before it gave up").isFalse();
        assertThat(read(true, exit + 5_000, gaveUp).refusedWhileStoppingItself()).as("after it was gone").isFalse();

        // the next process on the same log file, which did not give up: the earlier one's line is not its own
        ServiceProcess crashed = exited(log, "something else went wrong", 1);
        assertThat(read(true, crashed.exitedAtMs() - 1_000, crashed).refusedWhileStoppingItself()).isFalse();

        // and one still running owes its reads
        try (ServiceProcess running = ServiceProcess.start(List.of("sh", "-c", "echo '" + SyncService.GIVING_UP + "';"
                + " sleep 30", "sh"), Map.of(), log)) {
            assertThat(read(true, System.currentTimeMillis(), running).refusedWhileStoppingItself()).isFalse();
        }
    }
}
