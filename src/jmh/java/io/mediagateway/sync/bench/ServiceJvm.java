package io.mediagateway.sync.bench;

import io.mediagateway.sync.testing.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar's {@code serve} in a JVM of its own, as it is deployed: its heap, GC and threads are
 * not the harness's (which also runs the embedded broker and the load's clients).
 */
final class ServiceJvm implements AutoCloseable {
    static final Path JAR = Path.of("target", "media-gateway-sync.jar");
    /** The JVM options of the Kubernetes manifests (k8s/configmap.yaml). */
    static final List<String> DEPLOYED = List.of("-Xms768m", "-Xmx768m", "-XX:MaxDirectMemorySize=128m");

    final Process process;
    final String base;

    private ServiceJvm(Process process, String base) {
        this.process = process;
        this.base = base;
    }

    /** Starts {@code serve} with {@code env} (which names {@code SYNC_PORT}) and waits for {@code /ready}. */
    static ServiceJvm start(Map<String, String> env, Path log, List<String> jvmOptions) throws Exception {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run the harness with `mvn -Pjmh -DskipTests package exec:exec`");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        // -Dbench.serviceJvmOptions="-Xlog:gc:file=gc.log ...": more options for the service's JVM (profiling it)
        String more = System.getProperty("bench.serviceJvmOptions", "").trim();
        if (!more.isEmpty()) {
            command.addAll(List.of(more.split("\\s+")));
        }
        command.addAll(List.of("-jar", JAR.toString(), "serve"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        ServiceJvm jvm = new ServiceJvm(pb.start(), "http://127.0.0.1:" + env.get("SYNC_PORT"));
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (Http.status(jvm.base + "/ready") != 200) {
            if (System.nanoTime() > deadline || !jvm.process.isAlive()) {
                jvm.close();
                throw new IllegalStateException("the service did not become ready; see " + log);
            }
            Thread.sleep(100);
        }
        return jvm;
    }

    /** The service's CPU so far (all its threads, the JIT and GC included), in nanoseconds. */
    long cpuNanos() {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
