package io.mediagateway.sync.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged jar ({@code target/media-gateway-sync.jar}) run as a real process, its output in a file. */
public final class ServiceProcess implements AutoCloseable {
    private final Process process;
    private final Path output;
    /** Where this process's output begins in {@link #output} (a file that may hold earlier runs' too). */
    private final long outputStart;
    private volatile long exitedAtMs = -1;

    private ServiceProcess(Process process, Path output, long outputStart) {
        this.process = process;
        this.output = output;
        this.outputStart = outputStart;
        process.onExit().thenRun(() -> exitedAtMs = System.currentTimeMillis());
    }

    public static ServiceProcess start(Map<String, String> env, Path output, String... args) throws IOException {
        return start(List.of(), env, output, args);
    }

    /** {@code prefix}: what runs the JVM, e.g. {@link NetworkNamespace#wrap}'s {@code ip netns exec <name>}. */
    public static ServiceProcess start(List<String> prefix, Map<String, String> env, Path output, String... args)
            throws IOException {
        return start(prefix, List.of(), env, output, args);
    }

    /** {@code jvmOptions}: more options for the service's JVM, after {@code -Xmx512m}. */
    public static ServiceProcess start(List<String> prefix, List<String> jvmOptions, Map<String, String> env, Path output,
                                       String... args) throws IOException {
        String jar = System.getProperty("sync.jar", "target/media-gateway-sync.jar");
        if (!Files.exists(Path.of(jar))) {
            throw new IllegalStateException(jar + " does not exist: run 'mvn verify' (it packages before the ITs)");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(java, "-Xmx512m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("SYNC_") || k.startsWith("KAFKA_")
                || k.startsWith("PG_") || k.startsWith("PUBNUB_"));
        builder.environment().putAll(env);
        long outputStart = Files.exists(output) ? Files.size(output) : 0;
        return new ServiceProcess(builder.start(), output, outputStart);
    }

    public String output() throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    public void awaitReady(int httpPort, Duration timeout) {
        awaitReady("http://127.0.0.1:" + httpPort, timeout);
    }

    /** Waits until {@code baseUrl}/ready answers 200. */
    public void awaitReady(String baseUrl, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited with " + process.exitValue() + ":\n" + output());
            }
            return Http.status(baseUrl + "/ready") == 200;
        });
    }

    /** Sends SIGTERM and waits for the exit; returns the exit code. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the service did not exit within " + timeout + " of SIGTERM");
        }
        return process.exitValue();
    }

    public long pid() {
        return process.pid();
    }

    /** The exit code once the process has exited; empty while it runs. */
    public java.util.OptionalInt exitCode() {
        return process.isAlive() ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(process.exitValue());
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** When the process exited (wall clock, ms), once it has; -1 while it runs. */
    public long exitedAtMs() {
        return exitedAtMs;
    }

    /** Whether this process (not an earlier one writing to the same file) wrote {@code text} to its output. */
    public boolean wrote(String text) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(output)) {
            in.skipNBytes(Math.min(outputStart, Files.size(output)));
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).contains(text);
        }
    }

    /** Kills the process at once (SIGKILL), as a crash would, and waits for it to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the process did not exit within " + timeout);
        }
        return process.exitValue();
    }

    /**
     * Stops the process if it still runs: SIGTERM first, so it stops what it started itself (an embedded
     * PostgreSQL outlives a killed JVM), SIGKILL after 30 s.
     */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
